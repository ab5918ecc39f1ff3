package io.shm.admin.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Bearer tokens of the admin API. A token is {@code shm_} and 256 random bits; only its SHA-256 is
 * stored, which is enough for a secret of that entropy (a slow password hash protects guessable
 * secrets, and these are not). The plain token exists once: in the answer that creates it.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class ApiTokens {

    static final String PREFIX = "shm_";
    static final int NAME_MAX = 100;
    /** last_used_at is written at most this often per token, so that reads do not all become writes. */
    static final Duration USE_RESOLUTION = Duration.ofMinutes(1);

    /** A token as listed: never its secret. */
    public record Token(long id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    /** A token just created, with its secret. */
    public record Created(Token token, String secret) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Clock clock;

    public Created create(String name) throws SQLException {
        String cleaned = validName(name);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Created(insert(cleaned, token), token);
    }

    /**
     * Makes a token chosen by the operator (the first one, from {@code SHM_ADMIN_TOKEN}) valid, unless a
     * token with that secret exists already (revoked or not: a revoked token stays revoked).
     */
    public void ensure(String name, String token) throws SQLException {
        if (find(token).isEmpty()) {
            try {
                insert(validName(name), token);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) { // another node inserted it first
                    throw e;
                }
            }
        }
    }

    /** The token with this secret, if any; records its use. */
    public Optional<Token> authenticate(String secret) throws SQLException {
        Optional<Token> token = find(secret);
        if (token.isPresent() && !token.get().revoked()) {
            Instant now = clock.instant();
            Instant lastUsed = token.get().lastUsedAt();
            if (lastUsed == null || lastUsed.isBefore(now.minus(USE_RESOLUTION))) {
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement statement = connection.prepareStatement(
                             "UPDATE api_token SET last_used_at = ? WHERE id = ?")) {
                    statement.setObject(1, now.atOffset(ZoneOffset.UTC));
                    statement.setLong(2, token.get().id());
                    statement.executeUpdate();
                }
            }
        }
        return token;
    }

    public List<Token> list() throws SQLException {
        List<Token> tokens = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT id, name, created_at, last_used_at, revoked_at FROM api_token ORDER BY id")) {
            while (rows.next()) {
                tokens.add(token(rows));
            }
        }
        return tokens;
    }

    /** @return whether a token with this id existed and is now revoked */
    public boolean revoke(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE api_token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")) {
            statement.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
            statement.setLong(2, id);
            return statement.executeUpdate() == 1;
        }
    }

    private Optional<Token> find(String secret) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id, name, created_at, last_used_at, revoked_at FROM api_token WHERE token_hash = ?")) {
            statement.setBytes(1, hash(secret));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(token(row)) : Optional.empty();
            }
        }
    }

    private Token insert(String name, String secret) throws SQLException {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO api_token (name, token_hash, created_at) VALUES (?, ?, ?) RETURNING id")) {
            statement.setString(1, name);
            statement.setBytes(2, hash(secret));
            statement.setObject(3, now.atOffset(ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new Token(row.getLong(1), name, now, null, null);
            }
        }
    }

    static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > NAME_MAX || trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a token name is 1 to " + NAME_MAX + " characters without control characters");
        }
        return trimmed;
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static Token token(ResultSet row) throws SQLException {
        return new Token(row.getLong(1), row.getString(2), Rows.instant(row, 3), Rows.instant(row, 4), Rows.instant(row, 5));
    }
}
