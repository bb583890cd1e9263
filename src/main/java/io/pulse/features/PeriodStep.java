package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;

import java.io.Serializable;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * What happens to one customer at the end of one evaluation period: the period's events applied in
 * (event time, source) order, the day buckets that left the retention evicted, the plan-change
 * episode closed when its window is over, and the features emitted when something calls for an
 * evaluation. The features operator runs it at every period timer; a correction runs it again over
 * the periods a late event belongs to ({@link CorrectionReplay}), so both reach the same state.
 *
 * <p>Evaluation triggers: a change in the account, profile or subscription, a support
 * conversation opened or closed in the period, or an open plan-change window (and the day after
 * it closes). Product usage alone does not trigger one: its figures ride along with the next.
 */
final class PeriodStep implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    static final Comparator<CustomerEvent> IN_EVENT_ORDER =
            Comparator.<CustomerEvent>comparingLong(e -> e.eventTime).thenComparing(e -> e.source);

    /** Where a step asks to be run again: the period timers it needs (the same time twice is one timer). */
    interface Timers {
        void at(long time);
    }

    private final Cadence cadence;

    PeriodStep(Cadence cadence) {
        this.cadence = cadence;
    }

    Cadence cadence() {
        return cadence;
    }

    /**
     * Advances {@code state} through the period ending at {@code periodEnd} with its events (null
     * for none), registering the timers the state needs from now on.
     *
     * @param evaluate evaluate even if nothing in the period calls for it (a correction changed the state)
     * @return the features to evaluate, or null when nothing calls for an evaluation
     */
    PeriodFeatures advance(String customerId, CustomerRollingState state, long periodEnd, List<CustomerEvent> events,
                           boolean evaluate, Timers timers) {
        // What the period starts with was emitted (a period that changes a snapshot emits it), so a
        // snapshot that differs at its end is a change since the last emission.
        Snapshots atStart = new Snapshots(state);
        boolean eventCallsForEvaluation = events != null && applyInOrder(state, events);
        long today = SupportWindows.dayOf(periodEnd);
        evictAndKeepTimer(state.days, today, timers);
        PlanChangeWindow window = state.planChange == null
                ? null : SupportWindows.window(customerId, state.planChange, state.days, today);
        boolean windowEnded = closeOrKeepPlanChange(state, today, timers);

        // An evaluation follows a change in the snapshots the rules read, a support conversation,
        // or an open (or just closed) plan-change window; usage alone only moves the figures that
        // ride along, so a customer is not re-scored on every product click.
        if (!(evaluate || eventCallsForEvaluation || window != null || windowEnded || atStart.changedIn(state))) {
            return null;
        }
        if (window != null) {
            state.planChange.emitted = true;
        }
        return features(customerId, periodEnd, state, today, window);
    }

    /**
     * The timers a state restored from elsewhere (a correction's base) needs: the same ones the
     * step that left it registered.
     */
    void timersOf(CustomerRollingState state, Timers timers) {
        if (!state.days.isEmpty()) {
            timers.at(cadence.periodEnd((state.days.firstKey() + SupportWindows.RETENTION_DAYS) * DAY_MS));
        }
        if (state.planChange != null) {
            timers.at(planChangeClose(state.planChange));
        }
    }

    /** The snapshots the rules read, as a period starts. */
    private record Snapshots(Account account, CustomerProfile profile, Subscription subscription) {
        Snapshots(CustomerRollingState s) {
            this(s.account, s.profile, s.subscription);
        }

        boolean changedIn(CustomerRollingState s) {
            return !Objects.equals(s.account, account) || !Objects.equals(s.profile, profile)
                    || !Objects.equals(s.subscription, subscription);
        }
    }

    /**
     * Applies a period's events in (event time, source) order; true when one of them calls for an
     * evaluation by itself.
     */
    private static boolean applyInOrder(CustomerRollingState state, List<CustomerEvent> events) {
        events.sort(IN_EVENT_ORDER);
        boolean callsForEvaluation = false;
        for (CustomerEvent e : events) {
            if (state.firstEventDay == Long.MIN_VALUE) {
                state.firstEventDay = SupportWindows.dayOf(e.eventTime);
            }
            apply(state, e);
            callsForEvaluation |= callsForEvaluation(e.type);
        }
        return callsForEvaluation;
    }

    /** Applies one event to the snapshots, the plan-change episode or the day buckets. */
    private static void apply(CustomerRollingState s, CustomerEvent e) {
        switch (e.type) {
            case ACCOUNT_SNAPSHOT -> s.account = e.account;
            case ACTIVITY_SNAPSHOT -> s.profile = SnapshotEvents.withActivity(s.profile, e);
            case FUNNEL_SNAPSHOT -> s.profile = SnapshotEvents.withFunnel(s.profile, e);
            case VALUE_SNAPSHOT -> s.profile = SnapshotEvents.withValue(s.profile, e);
            case COMPANY_SNAPSHOT -> s.subscription = SnapshotEvents.withCompany(s.subscription, e);
            case PLAN_CHANGE -> applyPlanChange(s, e);
            case CONVERSATION_CREATED -> applyConversationCreated(s, e);
            case CONVERSATION_CLOSED -> SupportEvents.conversationClosed(s.days, e);
            case PRODUCT_USAGE -> SupportEvents.productUsed(s.days, e);
            case ROW -> { } // a declared table's row: only declared features read it (as an observation)
            default -> throw new IllegalArgumentException("features do not read " + e.type);
        }
    }

    /** A support conversation opened or closed calls for an evaluation, whatever else changed. */
    private static boolean callsForEvaluation(EventType type) {
        return type == EventType.CONVERSATION_CREATED || type == EventType.CONVERSATION_CLOSED;
    }

    /** The new plan, if the customer has a subscription yet, and a plan-change window opened. */
    private static void applyPlanChange(CustomerRollingState s, CustomerEvent e) {
        if (s.subscription != null) {
            s.subscription = SnapshotEvents.withPlan(s.subscription, e.customerId, e.planChange.newPlan);
        }
        PlanChangeEvents.planChanged(s, e);
    }

    /**
     * Counted in the day's bucket; its segment tag, if any, moves the subscription's segment; a
     * mention of an upgrade or downgrade may open a plan-change window.
     */
    private static void applyConversationCreated(CustomerRollingState s, CustomerEvent e) {
        ConversationTags tags = ConversationTags.parse(e.conversation.tags);
        SupportEvents.conversationCreated(s.days, e, tags);
        String segment = tags.segment();
        if (segment != null && s.subscription != null && !segment.equals(s.subscription.getSegment())) {
            s.subscription = SnapshotEvents.withSegment(s.subscription, e.customerId, segment);
        }
        PlanChangeEvents.conversationCreated(s, e);
    }

    /**
     * Drops the plan-change episode once its post window has closed, returning whether a window of
     * it was emitted (its end is then due for evaluation); while it is open, keeps a timer for the
     * day after it closes, which must be evaluated even if nothing happens then.
     */
    private boolean closeOrKeepPlanChange(CustomerRollingState state, long today, Timers timers) {
        if (state.planChange == null) {
            return false;
        }
        if (!state.planChange.openOn(today)) {
            boolean emitted = state.planChange.emitted;
            state.planChange = null;
            return emitted;
        }
        timers.at(planChangeClose(state.planChange));
        return false;
    }

    /** The period end of the day after the episode's post window. */
    private long planChangeClose(PlanChangeEpisode episode) {
        return cadence.periodEnd((episode.changeDay + SupportWindows.POST_WINDOW_DAYS + 1) * DAY_MS);
    }

    private static PeriodFeatures features(String customerId, long asOf, CustomerRollingState state, long today,
                                           PlanChangeWindow window) {
        PeriodFeatures features = new PeriodFeatures();
        features.customerId = customerId;
        features.asOf = asOf;
        features.account = state.account;
        features.profile = state.profile;
        features.subscription = state.subscription;
        features.support = SupportWindows.supportActivity(customerId, state.days, today, asOf + 1);
        features.planChange = window;
        return features;
    }

    /**
     * Removes the day buckets that left the retention window, and keeps a timer for the day the
     * oldest remaining bucket leaves it, so a customer who goes quiet still has its buckets removed.
     */
    private void evictAndKeepTimer(NavigableMap<Long, DayActivity> days, long today, Timers timers) {
        days.headMap(today - SupportWindows.RETENTION_DAYS, true).clear();
        if (!days.isEmpty()) {
            timers.at(cadence.periodEnd((days.firstKey() + SupportWindows.RETENTION_DAYS) * DAY_MS));
        }
    }
}
