package io.pulse.rules.engine;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;

import java.util.Map;
import java.util.Objects;

/**
 * What the rules are given about one customer: the account and profile (required), and the
 * subscription, support activity and open plan-change window when known, what its previous
 * evaluations came out with, and the values of the features the pack declares.
 *
 * @param declaredFeatures feature name -> value; a declared feature left out takes its value over no rows
 */
public record CustomerFacts(Account account, CustomerProfile profile, Subscription subscription,
                            SupportActivity support, PlanChangeWindow planChange, PreviousEvaluation previous,
                            Map<String, Object> declaredFeatures) {
    public CustomerFacts {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(declaredFeatures, "declaredFeatures");
    }

    /** Facts of a pack that declares no features. */
    public CustomerFacts(Account account, CustomerProfile profile, Subscription subscription, SupportActivity support,
                         PlanChangeWindow planChange, PreviousEvaluation previous) {
        this(account, profile, subscription, support, planChange, previous, Map.of());
    }

    /** Only the account and the profile: what sections 1 and 2 of the pack read. */
    public static CustomerFacts of(Account account, CustomerProfile profile) {
        return new CustomerFacts(account, profile, null, null, null, PreviousEvaluation.NONE);
    }
}
