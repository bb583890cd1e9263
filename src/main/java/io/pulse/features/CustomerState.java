package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;

/**
 * The latest snapshots of one customer. Events are applied in (event time, source) order, period
 * by period, so the last one applied is the latest. The held objects are never mutated, only
 * replaced, so what was emitted can be kept by reference and compared by value.
 */
public class CustomerState {
    public Account account;
    /** Merged from the three customer-360 tables. */
    public CustomerProfile profile;

    /** What was last emitted, to emit only changes. */
    public Account emittedAccount;
    public CustomerProfile emittedProfile;

    public CustomerState() {}
}
