package io.shm.security.control;

import jakarta.enterprise.context.RequestScoped;

/** What the identity store decided during this request, for the login view to explain a refusal. */
@RequestScoped
public class LoginAttempts {

    private Accounts.Outcome outcome;

    void record(Accounts.Outcome outcome) {
        this.outcome = outcome;
    }

    public boolean locked() {
        return outcome == Accounts.Outcome.LOCKED;
    }
}
