package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginalDsnTest {

    @Test
    void theOriginalsComposeFileDsnBecomesAJdbcUrlWithItsCredentialsApart() {
        OriginalDsn dsn = OriginalDsn.parse("postgres://shm:secret@db:5432/shm?sslmode=disable");
        assertEquals("jdbc:postgresql://db:5432/shm", dsn.jdbcUrl());
        Properties properties = dsn.properties();
        assertEquals("shm", properties.getProperty("user"));
        assertEquals("secret", properties.getProperty("password"));
        assertEquals("disable", properties.getProperty("sslmode"));
        assertFalse(dsn.toString().contains("secret"), dsn.toString());
    }

    @Test
    void postgresqlSchemeDefaultPortAndDatabaseAsLibpqHasThem() {
        OriginalDsn dsn = OriginalDsn.parse("postgresql://monitor@db.internal");
        assertEquals("jdbc:postgresql://db.internal:5432/monitor", dsn.jdbcUrl());
        assertNull(dsn.properties().getProperty("password"));
    }

    @Test
    void percentEncodedPasswordsAndIpv6HostsAreDecoded() {
        OriginalDsn dsn = OriginalDsn.parse("postgres://shm:p%40ss%3Aw%2Fo+rd@[::1]:6543/my%20db?connect_timeout=3&application_name=x");
        assertEquals("p@ss:w/o+rd", dsn.properties().getProperty("password"));
        assertEquals("jdbc:postgresql://[::1]:6543/my%20db", dsn.jdbcUrl());
        assertEquals("3", dsn.properties().getProperty("connectTimeout"));
        assertEquals("x", dsn.properties().getProperty("ApplicationName"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mysql://shm:secret@db/shm | postgres://",
            "db:5432/shm | postgres://",
            "postgres://shm:secret@/shm | no host",
            "postgres://:secret@db/shm | no user",
            "postgres://shm:secret@db1,db2/shm | one host",
            "postgres://shm:secret@db/shm?sslmode=sometimes | sslmode",
            "postgres://shm:secret@db/shm?target_session_attrs=any | target_session_attrs",
            "postgres://shm:secret@db/shm?connect_timeout=soon | connect_timeout",
            "postgres://shm:sec ret@db/shm | percent-encoded",
            "postgres://shm:secret@db/shm/extra | database name",
    })
    void aMalformedDsnIsRefusedSayingWhyWithoutItsPassword(String dsn, String reason) {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> OriginalDsn.parse(dsn));
        assertTrue(refusal.getMessage().contains(reason), refusal.getMessage());
        assertFalse(refusal.getMessage().contains("secret"), refusal.getMessage());
    }
}
