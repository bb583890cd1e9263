package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Subscription;

/**
 * The features operator's state of one customer before it was packed ({@link CustomerRollingState}):
 * a savepoint taken before holds it, and each customer's is moved into the packed state on first
 * access. Kept field for field, under this name: the savepoint's serializer names them.
 */
public class CustomerState {
    public Account account;
    /** Merged from the three customer-360 tables. */
    public CustomerProfile profile;
    /** From Intercom company snapshots, plan changes and segment tags; null until the first. */
    public Subscription subscription;
    /** Epoch day (UTC) of the customer's first event: how much of a window before a change was seen. */
    public long firstEventDay = Long.MIN_VALUE;
    /** The open upgrade or downgrade, null when none is open. */
    public PlanChangeEpisode planChange;
    /** The rolling windows' day buckets, packed by {@link DayBuckets}; null before the first. */
    public byte[] dayBuckets;

    /** What was last emitted, to emit only changes. */
    public Account emittedAccount;
    public CustomerProfile emittedProfile;
    public Subscription emittedSubscription;

    public CustomerState() {}
}
