package io.shm.security.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Dashboard accounts: PBKDF2-hashed passwords (Jakarta Security's {@link Pbkdf2PasswordHash}), and a
 * lock of {@value #LOCK_MINUTES} minutes after {@value #MAX_FAILURES} failed logins in a row, so a
 * password cannot be guessed at the speed of the network. An unknown user name costs the same hash as
 * a known one, so timing does not tell which names exist.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class Accounts {

    public static final int MAX_FAILURES = 5;
    public static final int LOCK_MINUTES = 15;
    public static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 256;
    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** How a login attempt ended. */
    public enum Outcome { SUCCESS, INVALID, LOCKED }

    public record Account(long id, String username, Instant createdAt, Instant lastLoginAt, Instant lockedUntil) {
    }

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Pbkdf2PasswordHash hash;

    @Inject
    Clock clock;

    private String decoy;

    @PostConstruct
    void configureHash() {
        hash.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", "210000",
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        decoy = hash.generate("decoy password for unknown users".toCharArray());
    }

    public Outcome login(String username, String password) throws SQLException {
        Instant now = clock.instant();
        String name = username == null ? "" : username.strip().toLowerCase(java.util.Locale.ROOT);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, password_hash, failed_logins, locked_until FROM account WHERE username = ? FOR UPDATE")) {
                select.setString(1, name);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        hash.verify(chars(password), decoy);
                        connection.rollback();
                        return Outcome.INVALID;
                    }
                    long id = row.getLong(1);
                    Instant lockedUntil = Rows.instant(row, 4);
                    if (lockedUntil != null && lockedUntil.isAfter(now)) {
                        connection.rollback();
                        return Outcome.LOCKED;
                    }
                    boolean valid = password != null && password.length() <= MAX_PASSWORD
                            && hash.verify(password.toCharArray(), row.getString(2));
                    int failures = valid ? 0 : row.getInt(3) + 1;
                    boolean lock = failures >= MAX_FAILURES;
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE account SET failed_logins = ?, locked_until = ?, last_login_at = coalesce(?, last_login_at) WHERE id = ?")) {
                        update.setInt(1, lock ? 0 : failures);
                        update.setObject(2, lock ? utc(now.plus(Duration.ofMinutes(LOCK_MINUTES))) : null);
                        update.setObject(3, valid ? utc(now) : null);
                        update.setLong(4, id);
                        update.executeUpdate();
                    }
                    connection.commit();
                    return valid ? Outcome.SUCCESS : lock ? Outcome.LOCKED : Outcome.INVALID;
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    public long count() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM account")) {
            row.next();
            return row.getLong(1);
        }
    }

    public List<Account> list() throws SQLException {
        List<Account> accounts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT id, username, created_at, last_login_at, locked_until FROM account ORDER BY username")) {
            while (row.next()) {
                accounts.add(new Account(row.getLong(1), row.getString(2), Rows.instant(row, 3), Rows.instant(row, 4), Rows.instant(row, 5)));
            }
        }
        return accounts;
    }

    /** @throws IllegalArgumentException for a bad name or password, or a name taken */
    public void create(String username, String password) throws SQLException {
        String name = validUsername(username);
        String hashed = hash.generate(validPassword(password).toCharArray());
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO account (username, password_hash, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, hashed);
            insert.setObject(3, utc(clock.instant()));
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalArgumentException("the user name " + name + " is taken");
            }
            throw e;
        }
    }

    /** Sets a new password and lifts a lock. */
    public boolean changePassword(String username, String password) throws SQLException {
        String hashed = hash.generate(validPassword(password).toCharArray());
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE account SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?")) {
            update.setString(1, hashed);
            update.setString(2, username);
            return update.executeUpdate() == 1;
        }
    }

    /** Removes an account, unless it is the last one (nobody could log in any more). */
    public boolean delete(String username) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM account WHERE username = ? AND (SELECT count(*) FROM account) > 1")) {
            delete.setString(1, username);
            return delete.executeUpdate() == 1;
        }
    }

    static String validUsername(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(java.util.Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** @throws IllegalArgumentException when the password is too short or too long */
    public static void validPasswordOrThrow(String password) {
        validPassword(password);
    }

    static String validPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new IllegalArgumentException("a password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        return password;
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
