package io.shm.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.sql.SQLException;
import java.util.Set;

/**
 * Checks dashboard logins against the accounts. Every account is an administrator: the role is
 * {@value #ROLE}. A locked account is refused like a wrong password; the login view tells the two
 * apart through {@link LoginAttempts}.
 */
@ApplicationScoped
public class AccountIdentityStore implements IdentityStore {

    public static final String ROLE = "admin";

    @Inject
    Accounts accounts;

    @Inject
    LoginAttempts attempts;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        Accounts.Outcome outcome;
        try {
            outcome = accounts.login(credential.getCaller(), credential.getPasswordAsString());
        } catch (SQLException e) {
            throw new IllegalStateException("accounts unavailable (SQL state " + e.getSQLState() + ")", e);
        }
        attempts.record(outcome);
        return outcome == Accounts.Outcome.SUCCESS
                ? new CredentialValidationResult(credential.getCaller().strip().toLowerCase(java.util.Locale.ROOT), Set.of(ROLE))
                : CredentialValidationResult.INVALID_RESULT;
    }
}
