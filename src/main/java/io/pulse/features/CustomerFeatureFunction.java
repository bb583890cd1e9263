package io.pulse.features;

import io.pulse.flink.SideOutputs;
import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import io.pulse.flink.PulseMetrics;
import io.pulse.flink.SnapshotThreads;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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

    /**
     * Applies one event to the state and the day buckets; events come in (event time, source)
     * order. Returns true when the event is one that calls for an evaluation by itself (a support
     * conversation opened or closed), whatever else changed.
     */
    private boolean apply(CustomerRollingState s, CustomerEvent e) {
        switch (e.type) {
            case ACCOUNT_SNAPSHOT:
                s.account = e.account;
                return false;
            case ACTIVITY_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setActivityRiskLevel(e.activity.activityRiskLevel);
                p.setEngagementVelocity(e.activity.engagementVelocity);
                p.setSourceHealthScore(e.activity.customerHealthScore);
                p.setCompositeEngagementScore(e.activity.compositeEngagementScore);
                p.setZendeskActive(e.activity.zendeskActive);
                s.profile = p;
                return false;
            }
            case FUNNEL_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setMarketingToSalesDays(e.funnel.marketingToSalesDays);
                p.setSalesToSupportDays(e.funnel.salesToSupportDays);
                s.profile = p;
                return false;
            }
            case VALUE_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setCustomerTier(e.value.customerTier);
                p.setEstimatedLtv(e.value.estimatedCustomerLtv);
                p.setMonetaryScore(e.value.monetaryScore);
                p.setChurnProbability(e.value.churnProbability);
                s.profile = p;
                return false;
            }
            case COMPANY_SNAPSHOT: {
                Subscription sub = copySubscription(s, e.customerId);
                sub.setPlanName(e.company.planName);
                sub.setSeats(e.company.seats);
                sub.setMonthlySpend(e.company.monthlySpend);
                String segment = ConversationTags.parse(e.company.tags).segment();
                if (segment != null) {
                    sub.setSegment(segment);
                }
                s.subscription = sub;
                return false;
            }
            case PLAN_CHANGE: {
                if (s.subscription != null) {
                    Subscription sub = copySubscription(s, e.customerId);
                    sub.setPlanName(e.planChange.newPlan);
                    s.subscription = sub;
                }
                // A real subscription change always opens a window (it wins over talk about one).
                PlanChangeEpisode episode = new PlanChangeEpisode();
                episode.direction = e.planChange.monthlySpendDelta >= 0 ? PlanChangeWindow.UPGRADE : PlanChangeWindow.DOWNGRADE;
                episode.source = PlanChangeWindow.PLAN_CHANGE;
                episode.oldPlan = e.planChange.oldPlan;
                episode.newPlan = e.planChange.newPlan;
                openEpisode(s, episode, e.eventTime);
                return false;
            }
            case CONVERSATION_CREATED: {
                DayActivity day = bucket(s.days, e.eventTime);
                ConversationTags tags = ConversationTags.parse(e.conversation.tags);
                day.conversations++;
                day.bugOrOutage += tags.isBugOrOutage() ? 1 : 0;
                day.escalation += tags.hasEscalationLanguage() ? 1 : 0;
                day.upgradeDrivers += tags.hasUpgradeDriver() ? 1 : 0;
                day.botFirst += e.conversation.botFirstResponse ? 1 : 0;
                day.conversationTimes.add(e.eventTime);
                if (e.conversation.firstResponseMinutes >= 0) {
                    day.firstResponseMinutes.add(e.conversation.firstResponseMinutes);
                }
                String segment = tags.segment();
                if (segment != null && s.subscription != null && !segment.equals(s.subscription.getSegment())) {
                    Subscription sub = copySubscription(s, e.customerId);
                    sub.setSegment(segment);
                    s.subscription = sub;
                }
                String mention = ConversationTags.planChangeMention(e.conversation.tags, e.conversation.subject);
                long today = SupportWindows.dayOf(e.eventTime);
                if (mention != null && (s.planChange == null || !s.planChange.openOn(today))) {
                    PlanChangeEpisode episode = new PlanChangeEpisode();
                    episode.direction = mention;
                    episode.source = PlanChangeWindow.CONVERSATION;
                    openEpisode(s, episode, e.eventTime);
                }
                return true;
            }
            case CONVERSATION_CLOSED: {
                DayActivity day = bucket(s.days, e.eventTime);
                if (e.conversation.rating > 0) {
                    day.ratingSum += e.conversation.rating;
                    day.rated++;
                }
                day.lastCloseAt = Math.max(day.lastCloseAt, e.eventTime);
                return true;
            }
            case PRODUCT_USAGE: {
                DayActivity day = bucket(s.days, e.eventTime);
                day.usage++;
                day.firstUsageAt = day.firstUsageAt == 0 ? e.eventTime : Math.min(day.firstUsageAt, e.eventTime);
                day.lastUsageAt = Math.max(day.lastUsageAt, e.eventTime);
                return false;
            }
            default:
                throw new IllegalArgumentException("features do not read " + e.type);
        }
    }

    private static void openEpisode(CustomerRollingState s, PlanChangeEpisode episode, long time) {
        episode.changedAt = time;
        episode.changeDay = SupportWindows.dayOf(time);
        episode.daysObservedBefore = (int) (episode.changeDay - s.firstEventDay);
        SupportWindows.measureBeforeChange(episode, s.days);
        // The window this one replaces ends now; its end was already due for evaluation.
        episode.emitted = s.planChange != null && s.planChange.emitted;
        s.planChange = episode;
    }

    private static Subscription copySubscription(CustomerRollingState s, String customerId) {
        Subscription sub = new Subscription();
        Subscription old = s.subscription;
        sub.setCustomerId(customerId);
        if (old != null) {
            sub.setPlanName(old.getPlanName());
            sub.setSeats(old.getSeats());
            sub.setMonthlySpend(old.getMonthlySpend());
            sub.setSegment(old.getSegment());
        }
        return sub;
    }

    private static CustomerProfile copyProfile(CustomerRollingState s, String customerId) {
        CustomerProfile p = new CustomerProfile();
        CustomerProfile old = s.profile;
        p.setCustomerId(customerId);
        if (old != null) {
            p.setCustomerTier(old.getCustomerTier());
            p.setEstimatedLtv(old.getEstimatedLtv());
            p.setMonetaryScore(old.getMonetaryScore());
            p.setChurnProbability(old.getChurnProbability());
            p.setActivityRiskLevel(old.getActivityRiskLevel());
            p.setEngagementVelocity(old.getEngagementVelocity());
            p.setSourceHealthScore(old.getSourceHealthScore());
            p.setCompositeEngagementScore(old.getCompositeEngagementScore());
            p.setZendeskActive(old.isZendeskActive());
            p.setMarketingToSalesDays(old.getMarketingToSalesDays());
            p.setSalesToSupportDays(old.getSalesToSupportDays());
        }
        return p;
    }

    private static DayActivity bucket(NavigableMap<Long, DayActivity> days, long time) {
        return days.computeIfAbsent(SupportWindows.dayOf(time), d -> new DayActivity());
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
        Account accountBefore = state.account;
        CustomerProfile profileBefore = state.profile;
        Subscription subscriptionBefore = state.subscription;
        boolean eventCallsForEvaluation = false;
        if (pending != null) {
            pending.sort(IN_EVENT_ORDER);
            for (CustomerEvent e : pending) {
                if (state.firstEventDay == Long.MIN_VALUE) {
                    state.firstEventDay = SupportWindows.dayOf(e.eventTime);
                }
                eventCallsForEvaluation |= apply(state, e);
            }
            pendingByPeriod.remove(timestamp);
        }
        long today = SupportWindows.dayOf(timestamp);
        NavigableMap<Long, DayActivity> days = state.days;
        evictAndKeepTimer(days, today, ctx.timerService());
        boolean windowEnded = false;
        PlanChangeWindow window = null;
        if (state.planChange != null) {
            window = SupportWindows.window(customerId, state.planChange, days, today);
            if (!state.planChange.openOn(today)) {
                windowEnded = state.planChange.emitted;
                state.planChange = null;
            } else {
                // The day after the window closes must be evaluated even if nothing happens then.
                ctx.timerService().registerEventTimeTimer(cadence.periodEnd(
                        (state.planChange.changeDay + SupportWindows.POST_WINDOW_DAYS + 1) * DAY_MS));
            }
        }

        // An evaluation follows a change in the snapshots the rules read, a support conversation,
        // or an open (or just closed) plan-change window; usage alone only moves the figures that
        // ride along, so a customer is not re-scored on every product click.
        if (eventCallsForEvaluation || window != null || windowEnded
                || !Objects.equals(state.account, accountBefore)
                || !Objects.equals(state.profile, profileBefore)
                || !Objects.equals(state.subscription, subscriptionBefore)) {
            PeriodFeatures features = new PeriodFeatures();
            features.customerId = customerId;
            features.asOf = timestamp;
            features.account = state.account;
            features.profile = state.profile;
            features.subscription = state.subscription;
            features.support = SupportWindows.supportActivity(customerId, days, today, timestamp + 1);
            features.planChange = window;
            out.collect(features);
            if (window != null) {
                state.planChange.emitted = true;
            }
        }
        customerState.update(state.pack(customerId));
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
