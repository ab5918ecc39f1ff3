package io.shm.security.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Dashboard accounts, with PBKDF2-hashed passwords ({@link PasswordHashes}). A login holds no
 * database connection while the hash is computed: it reads the account, lets the connection go,
 * verifies, and writes the outcome (last login, a hash upgraded to today's iterations) in a second short
 * statement. Guessing is slowed per client address and per account by {@link LoginThrottle}, never by a
 * lock that a stranger could set on someone else's account.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class Accounts {

    public static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 256;
    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** How a login attempt ended; {@code BUSY}: too many logins were being verified to take this one. */
    public enum Outcome { SUCCESS, INVALID, BUSY }

    public record Account(long id, String username, Instant createdAt, Instant lastLoginAt) {
    }

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    PasswordHashes hashes;

    @Inject
    Clock clock;

    /** The user name as stored: trimmed, lower case. */
    public static String normalized(String username) {
        return username == null ? "" : username.strip().toLowerCase(java.util.Locale.ROOT);
    }

    public Outcome login(String username, String password) throws SQLException {
        String name = normalized(username);
        Optional<Stored> stored = stored(name);
        boolean valid;
        try {
            // An overlong password costs the decoy's hash, like an unknown name, but never matches.
            boolean acceptable = password != null && password.length() <= MAX_PASSWORD;
            valid = hashes.verify(acceptable ? password : "", stored.map(Stored::hash).orElse(null))
                    && acceptable && stored.isPresent();
        } catch (PasswordHashes.BusyException e) {
            return Outcome.BUSY;
        }
        if (!valid) {
            return Outcome.INVALID;
        }
        String upgraded = null;
        if (PasswordHashes.isOutdated(stored.get().hash())) {
            try {
                upgraded = hashes.generate(password);
            } catch (PasswordHashes.BusyException e) {
                // The login stands; the upgrade waits for the next one.
            }
        }
        recordLogin(stored.get(), upgraded);
        return Outcome.SUCCESS;
    }

    private record Stored(long id, String hash) {
    }

    private Optional<Stored> stored(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id, password_hash FROM account WHERE username = ?")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Stored(row.getLong(1), row.getString(2))) : Optional.empty();
            }
        }
    }

    /** The upgraded hash replaces the one verified only if nobody changed the password meanwhile. */
    private void recordLogin(Stored account, String upgradedHash) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE account SET last_login_at = ?, "
                        + "password_hash = CASE WHEN password_hash = ? THEN coalesce(?, password_hash) ELSE password_hash END "
                        + "WHERE id = ?")) {
            update.setObject(1, utc(clock.instant()));
            update.setString(2, account.hash());
            update.setString(3, upgradedHash);
            update.setLong(4, account.id());
            update.executeUpdate();
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
                     "SELECT id, username, created_at, last_login_at FROM account ORDER BY username")) {
            while (row.next()) {
                accounts.add(new Account(row.getLong(1), row.getString(2), Rows.instant(row, 3), Rows.instant(row, 4)));
            }
        }
        return accounts;
    }

    /** @throws IllegalArgumentException for a bad name or password, or a name taken */
    public void create(String username, String password) throws SQLException {
        String name = validUsername(username);
        String hashed = hashes.generate(validPassword(password));
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

    /** Sets a new password. */
    public boolean changePassword(String username, String password) throws SQLException {
        String hashed = hashes.generate(validPassword(password));
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE account SET password_hash = ? WHERE username = ?")) {
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
        String name = normalized(username);
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

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
