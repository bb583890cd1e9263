package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.flink.PulseMetrics;
import io.pulse.flink.SideOutputs;
import io.pulse.flink.SnapshotThreads;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;

/**
 * Keeps each customer's features in keyed state and emits them once per evaluation period, when
 * the event-time watermark passes the period's end and something calls for an evaluation (see
 * the triggers below).
 *
 * <p>Determinism: an event is buffered under its period and applied only when that period's timer
 * fires, in (event time, source) order. The watermark is the minimum over all inputs, so events of
 * later periods that arrive early (one table read ahead of another, one subtask faster than
 * another) cannot leak into an earlier period's features. Events at or behind the watermark are
 * late: their period was already emitted, so they go to the dead letters rather than silently
 * changing the past.
 *
 * <p>Rolling windows: product usage and conversations are counted in UTC-day buckets
 * ({@link DayActivity}, packed into the customer's state by {@link DayBuckets}), kept 61 days (a
 * plan change's baseline window reaches 60 days back);
 * {@link SupportWindows} turns them into the figures the rules read. Buckets that leave the
 * retention are evicted by the period timer, and a timer is kept at the day the oldest remaining
 * bucket leaves it, so a customer who goes quiet still has its buckets removed.
 *
 * <p>Evaluation triggers: a change in the account, profile or subscription, a support
 * conversation opened or closed in the period, or an open plan-change window (and the day after
 * it closes). Product usage alone does not trigger one: its figures ride along with the next.
 *
 * <p>State per customer: one byte array ({@link CustomerRollingState}, packed) and the events
 * waiting for their period's end.
 */
public class CustomerFeatureFunction extends KeyedProcessFunction<String, CustomerEvent, PeriodFeatures>
        implements CheckpointListener {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private static final Comparator<CustomerEvent> IN_EVENT_ORDER =
            Comparator.<CustomerEvent>comparingLong(e -> e.eventTime).thenComparing(e -> e.source);

    /** The customer's {@link CustomerRollingState}, packed: snapshots, open plan-change episode, day buckets. */
    public static final ValueStateDescriptor<byte[]> CUSTOMER =
            new ValueStateDescriptor<>("packed customer", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Events waiting for their period's end. */
    public static final MapStateDescriptor<Long, List<CustomerEvent>> PENDING_EVENTS = new MapStateDescriptor<>(
            "events by period end", Types.LONG, Types.LIST(TypeInformation.of(CustomerEvent.class)));

    private final Cadence cadence;

    private transient ValueState<byte[]> customerState;
    private transient MapState<Long, List<CustomerEvent>> pendingByPeriod;
    private transient Counter lateEvents;

    public CustomerFeatureFunction(Cadence cadence) {
        this.cadence = cadence;
    }

    @Override
    public void open(OpenContext openContext) {
        customerState = getRuntimeContext().getState(CUSTOMER);
        pendingByPeriod = getRuntimeContext().getMapState(PENDING_EVENTS);
        lateEvents = PulseMetrics.of(getRuntimeContext()).counter(PulseMetrics.DEAD_LETTERS);
    }

    /** From the second checkpoint on, the snapshot threads yield to record processing ({@link SnapshotThreads}). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        SnapshotThreads.yieldToRecordProcessing();
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<PeriodFeatures> out) throws Exception {
        if (event.eventTime <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            ctx.output(SideOutputs.DEAD_LETTERS, event.toDeadLetter(
                    "late event: event time is behind the watermark " + ctx.timerService().currentWatermark()));
            return;
        }
        if (!readByFeatures(event)) {
            return;
        }
        // On time: it can no longer be a dead letter, so its input need not be kept in state.
        event.raw = null;
        event.origin = null;
        long periodEnd = cadence.periodEnd(event.eventTime);
        List<CustomerEvent> pending = pendingByPeriod.get(periodEnd);
        if (pending == null) {
            pending = new ArrayList<>();
        }
        pending.add(event);
        pendingByPeriod.put(periodEnd, pending);
        ctx.timerService().registerEventTimeTimer(periodEnd);
    }

    /** Outcomes are what really happened: they must never reach the rules. */
    private static boolean readByFeatures(CustomerEvent e) {
        return e.type != EventType.OUTCOME;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PeriodFeatures> out) throws Exception {
        String customerId = ctx.getCurrentKey();
        CustomerRollingState state = state(customerId);
        List<CustomerEvent> pending = pendingByPeriod.get(timestamp);
        if (state == null && pending == null) {
            return;
        }
        if (state == null) {
            state = new CustomerRollingState();
        }
        // What the period starts with was emitted (a period that changes a snapshot emits it), so a
        // snapshot that differs at its end is a change since the last emission.
        Snapshots atStart = new Snapshots(state);
        boolean eventCallsForEvaluation = false;
        if (pending != null) {
            eventCallsForEvaluation = applyInOrder(state, pending);
            pendingByPeriod.remove(timestamp);
        }
        long today = SupportWindows.dayOf(timestamp);
        evictAndKeepTimer(state.days, today, ctx.timerService());
        PlanChangeWindow window = state.planChange == null
                ? null : SupportWindows.window(customerId, state.planChange, state.days, today);
        boolean windowEnded = closeOrKeepPlanChange(state, today, ctx.timerService());

        // An evaluation follows a change in the snapshots the rules read, a support conversation,
        // or an open (or just closed) plan-change window; usage alone only moves the figures that
        // ride along, so a customer is not re-scored on every product click.
        if (eventCallsForEvaluation || window != null || windowEnded || atStart.changedIn(state)) {
            out.collect(features(customerId, timestamp, state, today, window));
            if (window != null) {
                state.planChange.emitted = true;
            }
        }
        customerState.update(state.pack(customerId));
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
    private boolean closeOrKeepPlanChange(CustomerRollingState state, long today, TimerService timers) {
        if (state.planChange == null) {
            return false;
        }
        if (!state.planChange.openOn(today)) {
            boolean emitted = state.planChange.emitted;
            state.planChange = null;
            return emitted;
        }
        timers.registerEventTimeTimer(cadence.periodEnd(
                (state.planChange.changeDay + SupportWindows.POST_WINDOW_DAYS + 1) * DAY_MS));
        return false;
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

    /** The current customer's state, null if it has none. */
    private CustomerRollingState state(String customerId) throws Exception {
        byte[] packed = customerState.value();
        return packed == null ? null : CustomerRollingState.unpack(packed, customerId);
    }

    /**
     * Removes the day buckets that left the retention window, and keeps a timer for the day the
     * oldest remaining bucket leaves it, so a customer who goes quiet still has its buckets removed.
     */
    private void evictAndKeepTimer(NavigableMap<Long, DayActivity> days, long today, TimerService timers) {
        days.headMap(today - SupportWindows.RETENTION_DAYS, true).clear();
        if (!days.isEmpty()) {
            // Registering the same (key, time) twice is a no-op.
            timers.registerEventTimeTimer(cadence.periodEnd((days.firstKey() + SupportWindows.RETENTION_DAYS) * DAY_MS));
        }
    }
}
