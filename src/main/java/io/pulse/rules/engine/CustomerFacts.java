package io.pulse.rules.engine;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;

import java.util.Objects;

/**
 * What the rules are given about one customer: the account and profile (required), and the
 * subscription, support activity, open plan-change window, and the previous health band and value
 * tier when known.
 *
 * @param previousHealthBand the band of the customer's previous evaluation, null at the first
 * @param previousValueTier  the value tier of the customer's previous evaluation, null at the first
 */
public record CustomerFacts(Account account, CustomerProfile profile, Subscription subscription,
                            SupportActivity support, PlanChangeWindow planChange, String previousHealthBand,
                            String previousValueTier) {
    public CustomerFacts {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(profile, "profile");
    }

    /** Only the account and the profile: what sections 1 and 2 of the pack read. */
    public static CustomerFacts of(Account account, CustomerProfile profile) {
        return new CustomerFacts(account, profile, null, null, null, null, null);
    }
}
