package io.pulse.features;

import io.pulse.flink.SnapshotThreads;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maintains the population figures the rules compare against (average LTV per customer tier,
 * average engagement, normalisation bounds) over the latest features of every customer, and emits
 * a {@link Population} snapshot at each period end where some customer changed.
 *
 * <p>Runs keyed by a single constant key (parallelism 1 in effect): the figures are over everyone.
 * Deterministic whatever the arrival order: features are buffered under the time they are valid
 * as of and applied at that time's event-time timer, after every customer's features for the
 * period have arrived and before any later period's (which a faster upstream task may already have
 * sent); sums are kept in integer fixed point (cents, micro-points) so their value does not depend
 * on the order of addition.
 *
 * <p>Incremental: the running {@link PopulationFigures} take each changed customer's old
 * contribution out and the new one in, so a period costs O(changed customers); every contribution
 * is re-read only when the last holder of a bound moves inward.
 */
public class PopulationAggregator extends KeyedProcessFunction<Integer, PeriodFeatures, Population>
        implements CheckpointListener {
    /** The key every customer's features are routed to. */
    public static final int ALL = 0;

    /**
     * Every customer's latest contribution, under the one key {@link #ALL}: one heap map, which a
     * checkpoint in progress makes the task copy at its first change (hence {@link ContributionSerializer}).
     */
    public static final MapStateDescriptor<String, Contribution> CONTRIBUTIONS = new MapStateDescriptor<>(
            "contribution by customer", StringSerializer.INSTANCE, ContributionSerializer.INSTANCE);
    /** Sums, counts and bounds over {@link #CONTRIBUTIONS}. */
    public static final ValueStateDescriptor<PopulationFigures> FIGURES =
            new ValueStateDescriptor<>("population figures", Types.POJO(PopulationFigures.class));
    /**
     * Contributions waiting for the time they are valid as of, one per (time, customer): a later
     * one of the customer for the same time replaces the earlier.
     */
    public static final MapStateDescriptor<Tuple2<Long, String>, Contribution> PENDING_CONTRIBUTIONS =
            new MapStateDescriptor<>("contribution by valid time and customer",
                    Types.TUPLE(Types.LONG, Types.STRING), Types.POJO(Contribution.class));

    private transient MapState<String, Contribution> contributions;
    private transient ValueState<PopulationFigures> figures;
    private transient MapState<Tuple2<Long, String>, Contribution> pending;

    /** One customer's part in the population figures; never changed once made (state copies share it). */
    public static class Contribution {
        public String customerId;
        public boolean hasAccount;
        public double annualRevenue;
        public double totalWon;
        public double employees;
        public String tier;
        public long ltvCents;
        public boolean hasEngagement;
        public long engagementMicros;

        public Contribution() {}

        static Contribution of(PeriodFeatures f) {
            Contribution c = new Contribution();
            c.customerId = f.customerId;
            if (f.account != null) {
                c.hasAccount = true;
                c.annualRevenue = f.account.getAnnualRevenue();
                c.totalWon = f.account.getTotalWonAmount();
                c.employees = f.account.getEmployees();
            }
            if (f.profile != null) {
                c.tier = f.profile.getCustomerTier();
                c.ltvCents = Math.round(f.profile.getEstimatedLtv() * 100);
                c.hasEngagement = f.profile.getActivityRiskLevel() != null;
                c.engagementMicros = Math.round(f.profile.getCompositeEngagementScore() * 1_000_000);
            }
            return c;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        contributions = getRuntimeContext().getMapState(CONTRIBUTIONS);
        figures = getRuntimeContext().getState(FIGURES);
        pending = getRuntimeContext().getMapState(PENDING_CONTRIBUTIONS);
    }

    /** From the second checkpoint on, the snapshot threads yield to record processing ({@link SnapshotThreads}). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        SnapshotThreads.yieldToRecordProcessing();
    }

    @Override
    public void processElement(PeriodFeatures f, Context ctx, Collector<Population> out) throws Exception {
        Contribution c = Contribution.of(f);
        pending.put(Tuple2.of(f.asOf, c.customerId), c);
        ctx.timerService().registerEventTimeTimer(f.asOf);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Population> out) throws Exception {
        PopulationFigures current = figures.value();
        if (current == null) {
            current = new PopulationFigures(); // the first period: no contributions yet
        }
        for (Contribution c : takePending(timestamp)) {
            Contribution previous = contributions.get(c.customerId);
            if (previous != null) {
                current.remove(previous);
            }
            current.add(c);
            contributions.put(c.customerId, c);
        }
        if (current.boundsUnknown()) {
            current.recomputeBounds(contributions.values());
        }
        figures.update(current);
        out.collect(current.toPopulation(timestamp));
    }

    /** Removes and returns the contributions valid as of {@code timestamp}, a customer's later ones after its earlier. */
    private List<Contribution> takePending(long timestamp) throws Exception {
        List<Contribution> due = new ArrayList<>();
        Map<Tuple2<Long, String>, Contribution> later = new HashMap<>();
        for (Map.Entry<Tuple2<Long, String>, Contribution> e : pending.entries()) {
            if (e.getKey().f0 == timestamp) {
                due.add(e.getValue());
            } else {
                later.put(e.getKey(), e.getValue());
            }
        }
        // Cleared and refilled rather than removed entry by entry: a heap map keeps the capacity of
        // its largest period (every customer at the start), and each period would scan it all.
        pending.clear();
        pending.putAll(later);
        return due;
    }
}
