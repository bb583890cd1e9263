package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Subscription;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the features operator keeps of one customer: the latest snapshots, the open plan-change
 * episode and the rolling windows' day buckets. Events are applied in (event time, source) order,
 * period by period, so the last one applied is the latest. The snapshot objects are never mutated,
 * only replaced.
 *
 * <p>Kept {@link #pack packed} in one byte array per customer ({@link CustomerFeatureFunction#CUSTOMER}),
 * a fraction of the heap the objects and their strings take (see BENCHMARKS.md, State per
 * customer: heap and RocksDB). Lossless: {@code unpack(pack(s))} equals {@code s} field by field.
 * Layout {@value #LAYOUT}: the layout byte; which parts are present (and whether each
 * snapshot's customer id is the key, which it always is in the job, so it is not written); the
 * first event's day; the account, profile, subscription and episode field by field, numbers as
 * {@link CompactBytes} writes them; then the day buckets as {@link DayBuckets} writes them.
 */
public final class CustomerRollingState {
    /** The packed layout's version, its first byte: a later layout reads this one and migrates it. */
    static final int LAYOUT = 1;

    private static final int ACCOUNT = 1;
    private static final int PROFILE = 1 << 1;
    private static final int SUBSCRIPTION = 1 << 2;
    private static final int PLAN_CHANGE = 1 << 3;
    private static final int ACCOUNT_ID_IS_KEY = 1 << 4;
    private static final int PROFILE_ID_IS_KEY = 1 << 5;
    private static final int SUBSCRIPTION_ID_IS_KEY = 1 << 6;
    /** The account names its owner (written after its other fields): states packed before owners have none. */
    private static final int ACCOUNT_OWNER = 1 << 7;

    public Account account;
    /** Merged from the three customer-360 tables. */
    public CustomerProfile profile;
    /** From Intercom company snapshots, plan changes and segment tags; null until the first. */
    public Subscription subscription;
    /** Epoch day (UTC) of the customer's first event: how much of a window before a change was seen. */
    public long firstEventDay = Long.MIN_VALUE;
    /** The open upgrade or downgrade, null when none is open. */
    public PlanChangeEpisode planChange;
    /** The rolling windows' day buckets ({@link DayActivity} by epoch day). */
    public NavigableMap<Long, DayActivity> days = new TreeMap<>();

    /** The state as one byte array; {@code customerId} is the key it is kept under. */
    public byte[] pack(String customerId) {
        int flags = (account != null ? ACCOUNT : 0) | (profile != null ? PROFILE : 0)
                | (subscription != null ? SUBSCRIPTION : 0) | (planChange != null ? PLAN_CHANGE : 0)
                | (account != null && customerId.equals(account.getCustomerId()) ? ACCOUNT_ID_IS_KEY : 0)
                | (profile != null && customerId.equals(profile.getCustomerId()) ? PROFILE_ID_IS_KEY : 0)
                | (subscription != null && customerId.equals(subscription.getCustomerId()) ? SUBSCRIPTION_ID_IS_KEY : 0)
                | (account != null && account.getOwner() != null ? ACCOUNT_OWNER : 0);
        CompactBytes.Writer out = new CompactBytes.Writer();
        out.flags(LAYOUT);
        out.flags(flags);
        out.signed(firstEventDay);
        if (account != null) {
            write(account, (flags & ACCOUNT_ID_IS_KEY) != 0, out);
            if ((flags & ACCOUNT_OWNER) != 0) {
                out.string(account.getOwner());
            }
        }
        if (profile != null) {
            write(profile, (flags & PROFILE_ID_IS_KEY) != 0, out);
        }
        if (subscription != null) {
            write(subscription, (flags & SUBSCRIPTION_ID_IS_KEY) != 0, out);
        }
        if (planChange != null) {
            write(planChange, out);
        }
        DayBuckets.write(days, out);
        return out.toByteArray();
    }

    /** The state {@link #pack} packed under the key {@code customerId}. */
    public static CustomerRollingState unpack(byte[] packed, String customerId) {
        CompactBytes.Reader in = new CompactBytes.Reader(packed);
        int layout = in.flags();
        if (layout != LAYOUT) {
            throw new IllegalStateException("unknown layout " + layout + " of a customer's packed state");
        }
        int flags = in.flags();
        CustomerRollingState s = new CustomerRollingState();
        s.firstEventDay = in.signed();
        if ((flags & ACCOUNT) != 0) {
            s.account = readAccount(in, (flags & ACCOUNT_ID_IS_KEY) != 0 ? customerId : in.string());
            if ((flags & ACCOUNT_OWNER) != 0) {
                s.account.setOwner(in.string());
            }
        }
        if ((flags & PROFILE) != 0) {
            s.profile = readProfile(in, (flags & PROFILE_ID_IS_KEY) != 0 ? customerId : in.string());
        }
        if ((flags & SUBSCRIPTION) != 0) {
            s.subscription = readSubscription(in, (flags & SUBSCRIPTION_ID_IS_KEY) != 0 ? customerId : in.string());
        }
        if ((flags & PLAN_CHANGE) != 0) {
            s.planChange = readPlanChange(in);
        }
        s.days = DayBuckets.read(in);
        if (!in.atEnd()) {
            throw new IllegalStateException("a customer's packed state has bytes after its day buckets");
        }
        return s;
    }

    private static void write(Account a, boolean idIsKey, CompactBytes.Writer out) {
        if (!idIsKey) {
            out.string(a.getCustomerId());
        }
        out.string(a.getAccountName());
        out.string(a.getIndustry());
        out.string(a.getSizeSegment());
        out.signed(a.getEmployees());
        out.decimal(a.getAnnualRevenue());
        out.decimal(a.getTotalWonAmount());
        out.decimal(a.getPipelineAmount());
        out.signed(a.getTotalContacts());
        out.signed(a.getContactsWithEmail());
        out.signed(a.getDaysSinceLastActivity());
        out.signed(a.getActivities30d());
    }

    /** The rest of an account after its customer id (the key, or read just before). */
    private static Account readAccount(CompactBytes.Reader in, String customerId) {
        Account a = new Account();
        a.setCustomerId(customerId);
        a.setAccountName(in.string());
        a.setIndustry(in.string());
        a.setSizeSegment(in.string());
        a.setEmployees(in.signed());
        a.setAnnualRevenue(in.decimal());
        a.setTotalWonAmount(in.decimal());
        a.setPipelineAmount(in.decimal());
        a.setTotalContacts(Math.toIntExact(in.signed()));
        a.setContactsWithEmail(Math.toIntExact(in.signed()));
        a.setDaysSinceLastActivity(Math.toIntExact(in.signed()));
        a.setActivities30d(Math.toIntExact(in.signed()));
        return a;
    }

    private static void write(CustomerProfile p, boolean idIsKey, CompactBytes.Writer out) {
        if (!idIsKey) {
            out.string(p.getCustomerId());
        }
        out.string(p.getCustomerTier());
        out.decimal(p.getEstimatedLtv());
        out.signed(p.getMonetaryScore());
        out.string(p.getActivityRiskLevel());
        out.string(p.getEngagementVelocity());
        out.decimal(p.getSourceHealthScore());
        out.decimal(p.getCompositeEngagementScore());
        out.signed(p.getMarketingToSalesDays());
        out.signed(p.getSalesToSupportDays());
        out.bool(p.isZendeskActive());
        out.decimal(p.getChurnProbability());
    }

    private static CustomerProfile readProfile(CompactBytes.Reader in, String customerId) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        p.setCustomerTier(in.string());
        p.setEstimatedLtv(in.decimal());
        p.setMonetaryScore(Math.toIntExact(in.signed()));
        p.setActivityRiskLevel(in.string());
        p.setEngagementVelocity(in.string());
        p.setSourceHealthScore(in.decimal());
        p.setCompositeEngagementScore(in.decimal());
        p.setMarketingToSalesDays(Math.toIntExact(in.signed()));
        p.setSalesToSupportDays(Math.toIntExact(in.signed()));
        p.setZendeskActive(in.bool());
        p.setChurnProbability(in.decimal());
        return p;
    }

    private static void write(Subscription sub, boolean idIsKey, CompactBytes.Writer out) {
        if (!idIsKey) {
            out.string(sub.getCustomerId());
        }
        out.string(sub.getPlanName());
        out.signed(sub.getSeats());
        out.decimal(sub.getMonthlySpend());
        out.string(sub.getSegment());
    }

    private static Subscription readSubscription(CompactBytes.Reader in, String customerId) {
        Subscription sub = new Subscription();
        sub.setCustomerId(customerId);
        sub.setPlanName(in.string());
        sub.setSeats(Math.toIntExact(in.signed()));
        sub.setMonthlySpend(in.decimal());
        sub.setSegment(in.string());
        return sub;
    }

    private static void write(PlanChangeEpisode e, CompactBytes.Writer out) {
        out.string(e.direction);
        out.string(e.source);
        out.signed(e.changedAt);
        out.signed(e.changeDay);
        out.string(e.oldPlan);
        out.string(e.newPlan);
        out.signed(e.daysObservedBefore);
        out.signed(e.baselineConversations);
        out.signed(e.preConversations);
        out.signed(e.baselineBugOrOutage);
        out.signed(e.preBugOrOutage);
        out.decimal(e.preAverageRating);
        out.bool(e.emitted);
    }

    private static PlanChangeEpisode readPlanChange(CompactBytes.Reader in) {
        PlanChangeEpisode e = new PlanChangeEpisode();
        e.direction = in.string();
        e.source = in.string();
        e.changedAt = in.signed();
        e.changeDay = in.signed();
        e.oldPlan = in.string();
        e.newPlan = in.string();
        e.daysObservedBefore = Math.toIntExact(in.signed());
        e.baselineConversations = Math.toIntExact(in.signed());
        e.preConversations = Math.toIntExact(in.signed());
        e.baselineBugOrOutage = Math.toIntExact(in.signed());
        e.preBugOrOutage = Math.toIntExact(in.signed());
        e.preAverageRating = in.decimal();
        e.emitted = in.bool();
        return e;
    }
}
