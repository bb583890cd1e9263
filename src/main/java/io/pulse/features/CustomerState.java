package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;

/**
 * The latest snapshots of one customer, each with the event time and source of the row that set
 * it. A snapshot replaces the held one only when it is newer by (time, source), so the result does
 * not depend on the order in which rows of one period arrive. The held objects are never mutated,
 * only replaced, so what was emitted can be kept by reference and compared by value.
 */
public class CustomerState {
    public Account account;
    public long accountTime = Long.MIN_VALUE;
    public String accountSource = "";

    /** Merged from the three customer-360 tables. */
    public CustomerProfile profile;
    public long activityTime = Long.MIN_VALUE;
    public String activitySource = "";
    public long funnelTime = Long.MIN_VALUE;
    public String funnelSource = "";
    public long valueTime = Long.MIN_VALUE;
    public String valueSource = "";

    /** What was last emitted, to emit only changes. */
    public Account emittedAccount;
    public CustomerProfile emittedProfile;

    public CustomerState() {}

    /** True when (time, source) is newer than the held (heldTime, heldSource). */
    static boolean newer(long time, String source, long heldTime, String heldSource) {
        return time > heldTime || (time == heldTime && source.compareTo(heldSource) > 0);
    }
}
