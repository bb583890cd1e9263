package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.DeadLetter;
import io.pulse.job.PulseDescriptors;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.SupportActivity;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps each customer's features in keyed state and emits them once per evaluation period, when
 * the event-time watermark passes the period's end and something the rules read (the account or
 * the customer-360 profile) has changed.
 *
 * <p>Determinism: an event is buffered under its period and applied only when that period's timer
 * fires, in (event time, source) order. The watermark is the minimum over all inputs, so events of
 * later periods that arrive early (one table read ahead of another, one subtask faster than
 * another) cannot leak into an earlier period's features. Events at or behind the watermark are
 * late: their period was already emitted, so they go to the dead letters rather than silently
 * changing the past.
 *
 * <p>Rolling windows: product usage and conversations are counted in UTC-day buckets
 * ({@link DayActivity}); the 30-day figures sum the buckets of the last 30 days. Buckets that
 * leave the window are evicted by the period timer, and a timer is kept at the day the oldest
 * remaining bucket leaves the window, so a customer who goes quiet still has its counts decay
 * to zero and its buckets removed.
 */
public class CustomerFeatureFunction extends KeyedProcessFunction<String, CustomerEvent, CustomerFeatures> {
    static final int WINDOW_DAYS = 30;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private static final Comparator<CustomerEvent> IN_EVENT_ORDER =
            Comparator.<CustomerEvent>comparingLong(e -> e.eventTime).thenComparing(e -> e.source);

    private final long periodMs;

    private transient ValueState<CustomerState> customerState;
    private transient MapState<Long, DayActivity> dayBuckets;
    private transient MapState<Long, List<CustomerEvent>> pendingByPeriod;

    /** @param cadence the evaluation period, a whole number of days or a divisor of a day */
    public CustomerFeatureFunction(Duration cadence) {
        this.periodMs = cadence.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        customerState = getRuntimeContext().getState(new ValueStateDescriptor<>("customer", CustomerState.class));
        dayBuckets = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("activity by day", Types.LONG, Types.POJO(DayActivity.class)));
        pendingByPeriod = getRuntimeContext().getMapState(new MapStateDescriptor<>("events by period end",
                Types.LONG, Types.LIST(TypeInformation.of(CustomerEvent.class))));
    }

    /** The last millisecond of the evaluation period that contains {@code time}. */
    public static long periodEnd(long time, long periodMs) {
        return Math.floorDiv(time, periodMs) * periodMs + periodMs - 1;
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<CustomerFeatures> out) throws Exception {
        if (event.eventTime <= ctx.timerService().currentWatermark()) {
            ctx.output(PulseDescriptors.DEAD_LETTERS, DeadLetter.of(event,
                    "late event: event time is behind the watermark " + ctx.timerService().currentWatermark()));
            return;
        }
        if (!readByFeatures(event)) {
            return;
        }
        long periodEnd = periodEnd(event.eventTime, periodMs);
        List<CustomerEvent> pending = pendingByPeriod.get(periodEnd);
        if (pending == null) {
            pending = new ArrayList<>();
        }
        pending.add(event);
        pendingByPeriod.put(periodEnd, pending);
        ctx.timerService().registerEventTimeTimer(periodEnd);
    }

    /**
     * Company snapshots and plan changes feed later rule sections; outcomes are what really
     * happened and must never reach the rules; closes without a rating carry nothing.
     */
    private static boolean readByFeatures(CustomerEvent e) {
        switch (e.type) {
            case ACCOUNT_SNAPSHOT:
            case ACTIVITY_SNAPSHOT:
            case FUNNEL_SNAPSHOT:
            case VALUE_SNAPSHOT:
            case CONVERSATION_CREATED:
            case PRODUCT_USAGE:
                return true;
            case CONVERSATION_CLOSED:
                return e.conversation.rating > 0;
            default:
                return false;
        }
    }

    /** Applies one event to the state; events come in (event time, source) order. */
    private void apply(CustomerState s, CustomerEvent e) throws Exception {
        switch (e.type) {
            case ACCOUNT_SNAPSHOT:
                s.account = e.account;
                return;
            case ACTIVITY_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setActivityRiskLevel(e.activity.activityRiskLevel);
                p.setEngagementVelocity(e.activity.engagementVelocity);
                p.setSourceHealthScore(e.activity.customerHealthScore);
                p.setCompositeEngagementScore(e.activity.compositeEngagementScore);
                p.setZendeskActive(e.activity.zendeskActive);
                s.profile = p;
                return;
            }
            case FUNNEL_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setMarketingToSalesDays(e.funnel.marketingToSalesDays);
                p.setSalesToSupportDays(e.funnel.salesToSupportDays);
                s.profile = p;
                return;
            }
            case VALUE_SNAPSHOT: {
                CustomerProfile p = copyProfile(s, e.customerId);
                p.setCustomerTier(e.value.customerTier);
                p.setEstimatedLtv(e.value.estimatedCustomerLtv);
                p.setMonetaryScore(e.value.monetaryScore);
                p.setChurnProbability(e.value.churnProbability);
                s.profile = p;
                return;
            }
            case CONVERSATION_CREATED: {
                DayActivity day = bucket(e.eventTime);
                ConversationTags tags = ConversationTags.parse(e.conversation.tags);
                day.conversations++;
                day.bugOrOutage += tags.isBugOrOutage() ? 1 : 0;
                day.escalation += tags.hasEscalationLanguage() ? 1 : 0;
                day.botFirst += e.conversation.botFirstResponse ? 1 : 0;
                dayBuckets.put(Math.floorDiv(e.eventTime, DAY_MS), day);
                return;
            }
            case CONVERSATION_CLOSED: {
                DayActivity day = bucket(e.eventTime);
                day.ratingSum += e.conversation.rating;
                day.rated++;
                dayBuckets.put(Math.floorDiv(e.eventTime, DAY_MS), day);
                return;
            }
            case PRODUCT_USAGE: {
                DayActivity day = bucket(e.eventTime);
                day.usage++;
                dayBuckets.put(Math.floorDiv(e.eventTime, DAY_MS), day);
                return;
            }
            default:
                throw new IllegalArgumentException("features do not read " + e.type);
        }
    }

    private static CustomerProfile copyProfile(CustomerState s, String customerId) {
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

    private DayActivity bucket(long time) throws Exception {
        DayActivity day = dayBuckets.get(Math.floorDiv(time, DAY_MS));
        return day == null ? new DayActivity() : day;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerFeatures> out) throws Exception {
        CustomerState state = customerState.value();
        List<CustomerEvent> pending = pendingByPeriod.get(timestamp);
        if (pending != null) {
            pending.sort(IN_EVENT_ORDER);
            if (state == null) {
                state = new CustomerState();
            }
            for (CustomerEvent e : pending) {
                apply(state, e);
            }
            pendingByPeriod.remove(timestamp);
            customerState.update(state);
        }
        long today = Math.floorDiv(timestamp, DAY_MS);
        SupportActivity support = rollWindow(ctx.getCurrentKey(), today, ctx.timerService());

        // Only a change in what the rules read triggers an evaluation; the support figures ride
        // along as of that time (no rule reads them yet; they join the trigger when one does).
        if (state != null && (!Objects.equals(state.account, state.emittedAccount)
                || !Objects.equals(state.profile, state.emittedProfile))) {
            CustomerFeatures features = new CustomerFeatures();
            features.customerId = ctx.getCurrentKey();
            features.asOf = timestamp;
            features.account = state.account;
            features.profile = state.profile;
            features.support = support;
            out.collect(features);
            state.emittedAccount = state.account;
            state.emittedProfile = state.profile;
            customerState.update(state);
        }
    }

    /**
     * Sums the buckets inside the 30-day window ending today, evicts the ones that left it, and
     * keeps a timer for the day the oldest remaining bucket leaves the window.
     */
    private SupportActivity rollWindow(String customerId, long today, TimerService timers) throws Exception {
        SupportActivity support = new SupportActivity();
        support.setCustomerId(customerId);
        List<Long> expired = new ArrayList<>();
        long oldestKept = Long.MAX_VALUE;
        double ratingSum = 0;
        int rated = 0;
        for (Iterator<Map.Entry<Long, DayActivity>> it = dayBuckets.iterator(); it.hasNext(); ) {
            Map.Entry<Long, DayActivity> entry = it.next();
            long day = entry.getKey();
            if (day <= today - WINDOW_DAYS) {
                expired.add(day);
            } else if (day <= today) {
                DayActivity a = entry.getValue();
                support.setConversations30d(support.getConversations30d() + a.conversations);
                support.setBugOrOutageConversations30d(support.getBugOrOutageConversations30d() + a.bugOrOutage);
                support.setEscalationConversations30d(support.getEscalationConversations30d() + a.escalation);
                support.setBotFirstConversations30d(support.getBotFirstConversations30d() + a.botFirst);
                support.setProductUsageEvents30d(support.getProductUsageEvents30d() + a.usage);
                ratingSum += a.ratingSum;
                rated += a.rated;
                oldestKept = Math.min(oldestKept, day);
            } else {
                oldestKept = Math.min(oldestKept, day);
            }
        }
        for (Long day : expired) {
            dayBuckets.remove(day);
        }
        support.setAverageRating30d(rated == 0 ? 0.0 : Math.round(ratingSum / rated * 100.0) / 100.0);
        if (oldestKept != Long.MAX_VALUE) {
            // The end of the period containing the day this bucket leaves the window; registering
            // the same (key, time) twice is a no-op.
            timers.registerEventTimeTimer(periodEnd((oldestKept + WINDOW_DAYS) * DAY_MS, periodMs));
        }
        return support;
    }
}
