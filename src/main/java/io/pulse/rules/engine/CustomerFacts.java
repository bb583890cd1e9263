package io.pulse.rules.engine;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;

import java.util.Objects;

/**
 * What the rules are given about one customer: the account and profile (required), and the
 * subscription, support activity and open plan-change window when known, and what its previous
 * evaluations came out with.
 */
public record CustomerFacts(Account account, CustomerProfile profile, Subscription subscription,
                            SupportActivity support, PlanChangeWindow planChange, PreviousEvaluation previous) {
    public CustomerFacts {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(previous, "previous");
    }

    /** Only the account and the profile: what sections 1 and 2 of the pack read. */
    public static CustomerFacts of(Account account, CustomerProfile profile) {
        return new CustomerFacts(account, profile, null, null, null, PreviousEvaluation.NONE);
    }
}
