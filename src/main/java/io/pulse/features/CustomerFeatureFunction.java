package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.features.BuiltInSources;
import io.pulse.features.Observation;
import io.pulse.features.ObservationLog;
import io.pulse.flink.PulseMetrics;
import io.pulse.flink.SideOutputs;
import io.pulse.flink.SnapshotThreads;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps each customer's features in keyed state and emits them once per evaluation period, when
 * the event-time watermark passes the period's end and something calls for an evaluation
 * ({@link PeriodStep}).
 *
 * <p>Determinism: an event is buffered under its period and applied only when that period's timer
 * fires, in (event time, source) order. The watermark is the minimum over all inputs, so events of
 * later periods that arrive early (one table read ahead of another, one subtask faster than
 * another) cannot leak into an earlier period's features.
 *
 * <p>Late events: an event whose period was already evaluated is a correction when it is within
 * the {@link CorrectionHorizon}: it joins the events logged under its period, and at the next
 * period end the customer's state is rebuilt from the state before the logged periods, replaying
 * them in time order ({@link CorrectionReplay}), and re-scored if that changed it. So after events
 * arrive out of order within the horizon, each customer's state is the one an in-order run
 * reaches. Beyond the horizon (or with none) a late event goes to the dead letters rather than
 * silently changing the past. The log keeps a customer's periods of the last one to two horizons:
 * the base moves forward a horizon at a time.
 *
 * <p>Retries: an event with the same source, type and time as one already buffered or logged for its
 * period counts once (a webhook sent twice, a file dropped again, a live line repeating a history
 * row), across restarts too, as the buffers are state.
 *
 * <p>Rolling windows: product usage and conversations are counted in UTC-day buckets
 * ({@link DayActivity}, packed into the customer's state by {@link DayBuckets}), kept 61 days (a
 * plan change's baseline window reaches 60 days back); {@link SupportWindows} turns them into the
 * figures the rules read.
 *
 * <p>Declared features: when the job observes, every event of a source declared features read
 * ({@link BuiltInSources}) becomes an observation once applied (a late one once accepted), and the
 * observations ride along with the customer's next features ({@link PeriodFeatures#observations}),
 * to the evaluator, which keeps the customer's log and computes the features the active pack
 * declares. Until then they wait in {@link #OBSERVATIONS_TO_SHIP}, no older than the log keeps.
 *
 * <p>State per customer: one byte array ({@link CustomerRollingState}, packed), the events
 * waiting for their period's end and, with a correction horizon, the logged periods and the base,
 * and the observations to ship.
 */
public class CustomerFeatureFunction extends KeyedProcessFunction<String, CustomerEvent, PeriodFeatures>
        implements CheckpointListener {
    private static final byte[] NO_STATE = new byte[0];

    /** The customer's {@link CustomerRollingState}, packed: snapshots, open plan-change episode, day buckets. */
    public static final ValueStateDescriptor<byte[]> CUSTOMER =
            new ValueStateDescriptor<>("packed customer", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Events waiting for their period's end. */
    public static final MapStateDescriptor<Long, List<CustomerEvent>> PENDING_EVENTS = new MapStateDescriptor<>(
            "events by period end", Types.LONG, Types.LIST(TypeInformation.of(CustomerEvent.class)));
    /** Events of the periods within the correction horizon, by period end, in the order applied: what a correction replays. */
    public static final MapStateDescriptor<Long, List<CustomerEvent>> LOGGED_EVENTS = new MapStateDescriptor<>(
            "logged events by period end", Types.LONG, Types.LIST(TypeInformation.of(CustomerEvent.class)));
    /** The last period end before the logged periods, and the packed state as of it (empty: none). */
    public static final ValueStateDescriptor<Tuple2<Long, byte[]>> CORRECTION_BASE = new ValueStateDescriptor<>(
            "correction base", Types.TUPLE(Types.LONG, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    /** The period end at which the customer is rebuilt with the corrections that arrived. */
    public static final ValueStateDescriptor<Long> CORRECTION_DUE =
            new ValueStateDescriptor<>("correction due at", Types.LONG);

    /** Observations not yet sent with the customer's features ({@link ObservationLog}, packed). */
    public static final ValueStateDescriptor<byte[]> OBSERVATIONS_TO_SHIP =
            new ValueStateDescriptor<>("observations to ship", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final PeriodStep step;
    private final CorrectionHorizon horizon;
    private final boolean observe;

    private transient ValueState<byte[]> customerState;
    private transient MapState<Long, List<CustomerEvent>> pendingByPeriod;
    private transient MapState<Long, List<CustomerEvent>> loggedByPeriod;
    private transient ValueState<Tuple2<Long, byte[]>> correctionBase;
    private transient ValueState<Long> correctionDue;
    private transient ValueState<byte[]> observationsToShip;
    private transient Counter lateEvents;
    private transient Counter corrections;
    private transient Counter duplicates;

    /** No corrections: events whose period was evaluated are dead-lettered. */
    public CustomerFeatureFunction(Cadence cadence) {
        this(cadence, CorrectionHorizon.none());
    }

    /** Without observations: for packs that declare no features, with no reload to come. */
    public CustomerFeatureFunction(Cadence cadence, CorrectionHorizon horizon) {
        this(cadence, horizon, false);
    }

    /** @param observe whether to send the rows declared features count to the evaluator */
    public CustomerFeatureFunction(Cadence cadence, CorrectionHorizon horizon, boolean observe) {
        this.step = new PeriodStep(cadence);
        this.horizon = horizon;
        this.observe = observe;
    }

    @Override
    public void open(OpenContext openContext) {
        customerState = getRuntimeContext().getState(CUSTOMER);
        pendingByPeriod = getRuntimeContext().getMapState(PENDING_EVENTS);
        loggedByPeriod = getRuntimeContext().getMapState(LOGGED_EVENTS);
        correctionBase = getRuntimeContext().getState(CORRECTION_BASE);
        correctionDue = getRuntimeContext().getState(CORRECTION_DUE);
        observationsToShip = getRuntimeContext().getState(OBSERVATIONS_TO_SHIP);
        MetricGroup metrics = PulseMetrics.of(getRuntimeContext());
        lateEvents = metrics.counter(PulseMetrics.DEAD_LETTERS);
        corrections = metrics.counter(PulseMetrics.CORRECTIONS);
        duplicates = metrics.counter(PulseMetrics.DUPLICATES);
    }

    /** From the second checkpoint on, the snapshot threads yield to record processing ({@link SnapshotThreads}). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        SnapshotThreads.yieldToRecordProcessing();
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<PeriodFeatures> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long periodEnd = step.cadence().periodEnd(event.eventTime);
        boolean evaluated = periodEnd <= watermark;
        if (evaluated && !correctable(event, periodEnd, watermark)) {
            lateEvents.inc();
            ctx.output(SideOutputs.DEAD_LETTERS, event.toDeadLetter(lateBecause(watermark)));
            return;
        }
        if (!readByFeatures(event)) {
            return;
        }
        MapState<Long, List<CustomerEvent>> buffer = evaluated ? loggedByPeriod : pendingByPeriod;
        List<CustomerEvent> events = buffer.get(periodEnd);
        if (events == null) {
            events = new ArrayList<>();
        } else if (containsRetryOf(events, event)) {
            duplicates.inc();
            return;
        }
        // Accepted: it can no longer be a dead letter, so its input need not be kept in state.
        event.raw = null;
        event.origin = null;
        events.add(event);
        if (evaluated) {
            toShip(List.of(event), watermark);
            correct(ctx, watermark);
        } else {
            ctx.timerService().registerEventTimeTimer(periodEnd);
        }
        buffer.put(periodEnd, events);
    }

    /** Whether a late event can still correct: within the horizon, and in a period that is logged (or can be). */
    private boolean correctable(CustomerEvent event, long periodEnd, long watermark) throws IOException {
        if (!horizon.covers(event.eventTime, watermark) || !horizon.logs(periodEnd)) {
            return false;
        }
        Tuple2<Long, byte[]> base = correctionBase.value();
        return base == null || periodEnd > base.f0;
    }

    private String lateBecause(long watermark) {
        return horizon.enabled()
                ? "late event: more than " + horizon.horizon() + " behind the watermark " + watermark
                        + " (the correction horizon)"
                : "late event: event time is behind the watermark " + watermark;
    }

    /** A correction arrived: the customer is rebuilt at the next period end (one rebuild for all that arrive before it). */
    private void correct(Context ctx, long watermark) throws IOException {
        corrections.inc();
        base(customerState.value());
        if (correctionDue.value() == null) {
            long due = step.cadence().periodEnd(watermark + 1);
            correctionDue.update(due);
            ctx.timerService().registerEventTimeTimer(due);
        }
    }

    /**
     * The same event sent again: same source, type and event time (a conversation's open and close
     * share its source, and a history snapshot's source names the account, not the row).
     */
    private static boolean containsRetryOf(List<CustomerEvent> events, CustomerEvent event) {
        for (CustomerEvent e : events) {
            if (e.eventTime == event.eventTime && e.type == event.type && e.source.equals(event.source)) {
                return true;
            }
        }
        return false;
    }

    /** Outcomes are what really happened: they must never reach the rules. */
    private static boolean readByFeatures(CustomerEvent e) {
        return e.type != EventType.OUTCOME;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PeriodFeatures> out) throws Exception {
        String customerId = ctx.getCurrentKey();
        byte[] packed = customerState.value();
        List<CustomerEvent> pending = pendingByPeriod.get(timestamp);
        Long due = horizon.enabled() ? correctionDue.value() : null;
        boolean correcting = due != null && due <= timestamp;
        if (packed == null && pending == null && !correcting) {
            return;
        }
        Tuple2<Long, byte[]> base = horizon.logs(timestamp) ? base(packed) : null;
        CustomerRollingState state = packed == null ? new CustomerRollingState()
                : CustomerRollingState.unpack(packed, customerId);
        boolean corrected = false;
        if (correcting) {
            correctionDue.clear();
            state = rebuilt(customerId, base, timestamp - 1);
            corrected = packed == null || !Arrays.equals(packed, state.pack(customerId));
        }
        if (pending != null) {
            pendingByPeriod.remove(timestamp);
        }
        PeriodFeatures features = step.advance(customerId, state, timestamp, pending, corrected,
                ctx.timerService()::registerEventTimeTimer);
        ObservationLog shipped = pending == null ? null : toShip(pending, timestamp);
        if (features != null) {
            ship(features, shipped);
            out.collect(features);
        }
        if (pending != null && base != null) {
            loggedByPeriod.put(timestamp, pending);
        }
        if (base != null && base.f0 < timestamp - 2 * horizon.horizon().toMillis()) {
            moveBase(customerId, base, timestamp - horizon.horizon().toMillis());
        }
        customerState.update(state.pack(customerId));
    }

    /**
     * Adds the observations among {@code events} to those waiting to be shipped (dropping what the
     * log would no longer keep as of {@code asOf}); returns the waiting ones, or null when the job
     * does not observe.
     */
    private ObservationLog toShip(List<CustomerEvent> events, long asOf) throws IOException {
        if (!observe) {
            return null;
        }
        List<Observation> observed = new ArrayList<>();
        for (CustomerEvent e : events) {
            Observation o = BuiltInSources.observe(e);
            if (o != null) {
                observed.add(o);
            }
        }
        byte[] packed = observationsToShip.value();
        if (observed.isEmpty() && packed == null) {
            return null;
        }
        ObservationLog waiting = packed == null ? new ObservationLog() : ObservationLog.unpack(packed);
        waiting.addAll(observed);
        waiting.evict(asOf);
        observationsToShip.update(waiting.pack());
        return waiting;
    }

    /** Sends the waiting observations with {@code features}. */
    private void ship(PeriodFeatures features, ObservationLog waiting) throws IOException {
        if (!observe) {
            return;
        }
        if (waiting == null) {
            byte[] packed = observationsToShip.value();
            waiting = packed == null ? null : ObservationLog.unpack(packed);
        }
        if (waiting != null && !waiting.isEmpty()) {
            features.observations = waiting.pack();
        }
        observationsToShip.clear();
    }

    /**
     * The correction base. The first logged period takes the state it starts with as the base as of
     * the horizon's start: no step of the customer came between (this is its first after it).
     */
    private Tuple2<Long, byte[]> base(byte[] packed) throws IOException {
        Tuple2<Long, byte[]> base = correctionBase.value();
        if (base == null) {
            base = Tuple2.of(horizon.from(), packed == null ? NO_STATE : packed);
            correctionBase.update(base);
        }
        return base;
    }

    /** The customer's state through {@code until}, replayed in time order from the base over the logged periods. */
    private CustomerRollingState rebuilt(String customerId, Tuple2<Long, byte[]> base, long until) throws Exception {
        TreeMap<Long, List<CustomerEvent>> logged = new TreeMap<>();
        for (Map.Entry<Long, List<CustomerEvent>> e : loggedByPeriod.entries()) {
            logged.put(e.getKey(), e.getValue());
        }
        CustomerRollingState from = base.f1.length == 0 ? new CustomerRollingState()
                : CustomerRollingState.unpack(base.f1, customerId);
        return CorrectionReplay.replay(step, customerId, from, base.f0, logged, until);
    }

    /** Folds the logged periods up to {@code through} into the base: a correction can reach back one horizon. */
    private void moveBase(String customerId, Tuple2<Long, byte[]> base, long through) throws Exception {
        CustomerRollingState moved = rebuilt(customerId, base, through);
        correctionBase.update(Tuple2.of(through, moved.pack(customerId)));
        List<Long> folded = new ArrayList<>();
        for (Long periodEnd : loggedByPeriod.keys()) {
            if (periodEnd <= through) {
                folded.add(periodEnd);
            }
        }
        for (Long periodEnd : folded) {
            loggedByPeriod.remove(periodEnd);
        }
    }
}
