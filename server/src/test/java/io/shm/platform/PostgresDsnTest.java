package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresDsnTest {

    @Test
    void theOriginalServersExampleBecomesAJdbcUrlWithUserAndPasswordApart() {
        PostgresDsn dsn = PostgresDsn.parse("postgres://shm:secret@db:5432/shm?sslmode=disable");

        assertEquals("jdbc:postgresql://db:5432/shm?sslmode=disable", dsn.jdbcUrl());
        assertEquals("shm", dsn.user());
        assertEquals("secret", dsn.password());
    }

    @Test
    void postgresqlSchemeAndEverySslModePassThrough() {
        for (String mode : new String[] {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
            assertEquals("jdbc:postgresql://h/d?sslmode=" + mode,
                    PostgresDsn.parse("postgresql://u@h/d?sslmode=" + mode).jdbcUrl());
        }
        assertEquals("jdbc:postgresql://h/d?sslmode=require&sslrootcert=%2Fetc%2Fca.pem&connectTimeout=10&ApplicationName=shm",
                PostgresDsn.parse("POSTGRESQL://u@h/d?sslmode=require&sslrootcert=/etc/ca.pem&connect_timeout=10&application_name=shm").jdbcUrl());
    }

    @Test
    void userAndPasswordArePercentDecodedAndAPlusStaysAPlus() {
        PostgresDsn dsn = PostgresDsn.parse("postgres://app%40corp:p%40ss%3Aw%2Fo%25rd+1%C3%A9@db.internal:6543/my%20db");

        assertEquals("app@corp", dsn.user());
        assertEquals("p@ss:w/o%rd+1\u00e9", dsn.password());
        assertEquals("jdbc:postgresql://db.internal:6543/my%20db", dsn.jdbcUrl());
    }

    @Test
    void aPasswordMayHoldAColonAndTheLastAtSeparatesTheHost() {
        PostgresDsn dsn = PostgresDsn.parse("postgres://u:a:b@c@host/db");

        assertEquals("u", dsn.user());
        assertEquals("a:b@c", dsn.password());
        assertEquals("jdbc:postgresql://host/db", dsn.jdbcUrl());
    }

    @Test
    void missingPartsAreLeftToTheDefaults() {
        PostgresDsn bare = PostgresDsn.parse("postgres://db");
        assertEquals("jdbc:postgresql://db/", bare.jdbcUrl());
        assertNull(bare.user());
        assertNull(bare.password());

        PostgresDsn noPassword = PostgresDsn.parse("postgres://shm@db/shm");
        assertEquals("shm", noPassword.user());
        assertNull(noPassword.password());
        assertEquals("jdbc:postgresql://localhost/shm", PostgresDsn.parse("postgres:///shm").jdbcUrl());
    }

    @Test
    void ipv6MultipleHostsAndQueryOverridesWork() {
        assertEquals("jdbc:postgresql://[::1]:5432/shm", PostgresDsn.parse("postgres://u:p@[::1]:5432/shm").jdbcUrl());
        assertEquals("jdbc:postgresql://a:5432,b:5433/shm?targetServerType=primary",
                PostgresDsn.parse("postgres://u:p@a:5432,b:5433/shm?target_session_attrs=read-write").jdbcUrl());
        PostgresDsn overridden = PostgresDsn.parse("postgres:///ignored?host=db&port=5433&dbname=real&user=me&password=p%26w");
        assertEquals("jdbc:postgresql://db:5433/real", overridden.jdbcUrl());
        assertEquals("me", overridden.user());
        assertEquals("p&w", overridden.password());
    }

    @Test
    void theKeywordFormIsReadToo() {
        PostgresDsn dsn = PostgresDsn.parse("host=db port=5432 dbname=shm user=shm password='se cr\\'et' sslmode=require");

        assertEquals("jdbc:postgresql://db:5432/shm?sslmode=require", dsn.jdbcUrl());
        assertEquals("shm", dsn.user());
        assertEquals("se cr'et", dsn.password());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mysql://u:p@h/d", "jdbc:postgresql://h/d", "postgres://u:p@h/d?gssencmode=require",
            "postgres://u:p%zz@h/d", "postgres:///d?host=/var/run/postgresql", "host=db password='unterminated"})
    void whatCannotBeTranslatedIsRefusedWithoutQuotingThePassword(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PostgresDsn.parse(text));
        assertFalse(refused.getMessage().contains("p%zz") || refused.getMessage().contains("unterminated'"), refused.getMessage());
    }

    @Test
    void itsTextNeverShowsThePassword() {
        assertFalse(PostgresDsn.parse("postgres://u:hunter2@h/d").toString().contains("hunter2"));
    }
}
