package io.shm.security.boundary;

import io.shm.security.control.AccountIdentityStore;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.CustomFormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * Form login for the dashboard (Jakarta Security): a protected page answers with the login page in its
 * place, whose view hands the credentials to the container; after login the browser returns to the
 * page it asked for. Pages under {@code /app/} need the role (web.xml); badges, ingest and the
 * token-guarded admin API do not go through a login.
 */
@CustomFormAuthenticationMechanismDefinition(
        loginToContinue = @LoginToContinue(loginPage = "/login.xhtml", errorPage = "", useForwardToLogin = true))
@DeclareRoles(AccountIdentityStore.ROLE)
@ApplicationScoped
public class DashboardSecurity {
}
