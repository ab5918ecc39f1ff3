package io.shm.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.testing.Deployments;
import io.shm.testing.LoginForm;
import io.shm.testing.Rows;
import java.net.URL;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The login form posted as plain HTTP against a deployment with the default rate limits that trusts
 * 127.0.0.2 as its reverse proxy, so each test speaks from client addresses of its own.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LoginIT {

    static final String PASSWORD = System.getProperty("shm.test.admin.password");
    private static final String TRUSTED_PROXY = "127.0.0.2";

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-ratelimited")
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void anAttackersFailuresSlowDownOnlyTheAttackersAddressNotTheOwner() throws Exception {
        LoginForm attacker = from("198.51.100.20");
        for (int i = 0; i < 5; i++) {
            LoginForm.Answer refused = attacker.login("admin", "wrong-password-" + i);
            assertEquals(200, refused.status());
            assertTrue(refused.body().contains("Wrong user name or password"), refused.body());
        }

        LoginForm.Answer slowed = attacker.login("admin", PASSWORD);
        assertEquals(429, slowed.status(), "even the right password waits at this address");
        long firstWait = Long.parseLong(slowed.header("retry-after"));
        assertTrue(slowed.body().contains("try again in " + firstWait + " seconds"), slowed.body());
        LoginForm.Answer slowerStill = attacker.login("admin", PASSWORD);
        assertEquals(429, slowerStill.status());
        assertTrue(Long.parseLong(slowerStill.header("retry-after")) > firstWait, "hammering makes the wait longer");

        assertTrue(from("198.51.100.21").login("admin", PASSWORD).signedIn(), "the owner, from another address, signs in");
    }

    @Test
    void theLoginFormIsRateLimitedPerClientAddress() throws Exception {
        LoginForm client = from("198.51.100.30");
        int allowed = 0;
        LoginForm.Answer limited;
        // A new name each time, so the per-account throttle stays out of the way; the bucket refills a
        // token every 6 s while the loop runs, so the refusal comes after ten answers or a few more.
        while ((limited = client.login("nobody-" + UUID.randomUUID(), "wrong-password")).status() == 200) {
            allowed++;
            assertTrue(allowed <= 20, "the limit never came");
        }

        assertEquals(429, limited.status(), limited.body());
        assertTrue(allowed >= 10, "a burst of ten first: " + allowed);
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 6, "ten a minute: a token every 6 s, " + retryAfter);
        assertTrue(limited.body().contains("Too many login attempts from your address"), limited.body());
        assertTrue(from("198.51.100.31").login("admin", PASSWORD).signedIn(), "another address has its own allowance");
    }

    @Test
    void aHashWithFewerIterationsIsUpgradedAtTheNextSuccessfulLogin() throws Exception {
        String user = "legacy-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "an-old-but-good-password";
        Rows.update("INSERT INTO account (username, password_hash, created_at) VALUES (?, ?, ?)",
                user, pbkdf2(password, 210_000), Instant.now().atOffset(ZoneOffset.UTC));

        assertTrue(from("198.51.100.40").login(user, password).signedIn(), "the old hash still verifies");

        String stored = (String) Rows.query("SELECT password_hash FROM account WHERE username = ?", user).get("password_hash");
        assertTrue(stored.startsWith("PBKDF2WithHmacSHA256:600000:"), stored);
        assertTrue(from("198.51.100.40").login(user, password).signedIn(), "the upgraded hash verifies");
        assertEquals(200, from("198.51.100.41").login(user, "not-the-password").status());
    }

    @Test
    void aPostWithoutTheCspNonceIsABadRequestAndSignsNobodyIn() throws Exception {
        LoginForm.Answer stale = from("198.51.100.50").prepare().post("admin", PASSWORD, false);

        assertEquals(400, stale.status(), stale.body());
        assertTrue(stale.body().contains("out of date"), stale.body());
        assertFalse(stale.signedIn());
    }

    private LoginForm from(String client) {
        return new LoginForm(base, TRUSTED_PROXY, client);
    }

    /** A hash as the server stored them before, in Jakarta Security's format: algorithm:iterations:salt:hash. */
    private static String pbkdf2(String password, int iterations) throws Exception {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        return "PBKDF2WithHmacSHA256:" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }
}
