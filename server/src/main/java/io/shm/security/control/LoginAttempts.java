package io.shm.security.control;

import jakarta.enterprise.context.RequestScoped;

/** What the identity store decided during this request, for the login view to explain a refusal. */
@RequestScoped
public class LoginAttempts {

    private Accounts.Outcome outcome;

    void record(Accounts.Outcome outcome) {
        this.outcome = outcome;
    }

    /** Too many logins were being verified: this one was not judged. */
    public boolean busy() {
        return outcome == Accounts.Outcome.BUSY;
    }
}
