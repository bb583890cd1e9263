package io.pulse.features;

import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 */
public class PopulationAggregator extends KeyedProcessFunction<Integer, CustomerFeatures, Population> {
    /** The key every customer's features are routed to. */
    public static final int ALL = 0;

    /** Every customer's latest contribution, under the one key {@link #ALL}. */
    public static final MapStateDescriptor<String, Contribution> CONTRIBUTIONS =
            new MapStateDescriptor<>("contribution by customer", Types.STRING, Types.POJO(Contribution.class));
    /** Contributions waiting for the time they are valid as of. */
    public static final MapStateDescriptor<Long, List<Contribution>> PENDING_CONTRIBUTIONS = new MapStateDescriptor<>(
            "contributions by valid time", Types.LONG, Types.LIST(Types.POJO(Contribution.class)));

    private transient MapState<String, Contribution> contributions;
    private transient MapState<Long, List<Contribution>> pendingByTime;

    /** One customer's part in the population figures. */
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
    }

    @Override
    public void open(OpenContext openContext) {
        contributions = getRuntimeContext().getMapState(CONTRIBUTIONS);
        pendingByTime = getRuntimeContext().getMapState(PENDING_CONTRIBUTIONS);
    }

    @Override
    public void processElement(CustomerFeatures f, Context ctx, Collector<Population> out) throws Exception {
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
        List<Contribution> pending = pendingByTime.get(f.asOf);
        if (pending == null) {
            pending = new ArrayList<>();
        }
        pending.add(c);
        pendingByTime.put(f.asOf, pending);
        ctx.timerService().registerEventTimeTimer(f.asOf);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Population> out) throws Exception {
        for (Contribution c : pendingByTime.get(timestamp)) {
            contributions.put(c.customerId, c);
        }
        pendingByTime.remove(timestamp);
        Map<String, long[]> ltvByTier = new TreeMap<>(); // tier -> {sum cents, count}
        long engagementSum = 0;
        long engagementCount = 0;
        int customers = 0;
        double revenueMin = Double.POSITIVE_INFINITY, revenueMax = Double.NEGATIVE_INFINITY;
        double employeesMin = Double.POSITIVE_INFINITY, employeesMax = Double.NEGATIVE_INFINITY;
        double wonMax = 0;
        for (Map.Entry<String, Contribution> e : contributions.entries()) {
            Contribution c = e.getValue();
            customers++;
            if (c.hasAccount) {
                revenueMin = Math.min(revenueMin, c.annualRevenue);
                revenueMax = Math.max(revenueMax, c.annualRevenue);
                employeesMin = Math.min(employeesMin, c.employees);
                employeesMax = Math.max(employeesMax, c.employees);
                wonMax = Math.max(wonMax, c.totalWon);
            }
            if (c.tier != null) {
                long[] sum = ltvByTier.computeIfAbsent(c.tier, t -> new long[2]);
                sum[0] += c.ltvCents;
                sum[1]++;
            }
            if (c.hasEngagement) {
                engagementSum += c.engagementMicros;
                engagementCount++;
            }
        }
        Population p = new Population();
        p.setAsOf(timestamp);
        p.setCustomers(customers);
        for (Map.Entry<String, long[]> e : ltvByTier.entrySet()) {
            p.getAverageLtvByTier().put(e.getKey(), e.getValue()[0] / 100.0 / e.getValue()[1]);
        }
        p.setAverageEngagementScore(engagementCount == 0 ? 0 : engagementSum / 1e6 / engagementCount);
        if (revenueMax >= revenueMin) {
            p.setAnnualRevenueMin(revenueMin);
            p.setAnnualRevenueMax(revenueMax);
            p.setEmployeesMin(employeesMin);
            p.setEmployeesMax(employeesMax);
        }
        p.setTotalWonMax(wonMax);
        out.collect(p);
    }
}
