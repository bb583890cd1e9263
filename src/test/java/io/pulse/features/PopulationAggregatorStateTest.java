package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental figures against a full recomputation over the same features, period by period,
 * on both state backends and across a restore.
 */
class PopulationAggregatorStateTest {
    private static final int CUSTOMERS = 12;
    private static final int DAYS = 80;
    // Few distinct values, so bounds are often tied and their holders often move.
    private static final double[] REVENUES = {0.0, 1e6, 2e6, 5e6, 5e6, 3e7, 1e9};
    private static final double[] WON = {-0.0, 0.0, 1e5, 2e5, 4e6};
    private static final long[] EMPLOYEES = {1, 10, 10, 50, 300, 20_000};
    private static final String[] TIERS = {"Basic", "Silver", "Gold", "Platinum"};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void everyPeriodEqualsAFullRecomputation(String backend) throws Exception {
        Scenario scenario = new Scenario(new Random(11));
        try (var h = harness(new PopulationAggregator(), backend)) {
            h.open();
            scenario.feed(h, 0, DAYS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aRestoreMidWayContinuesWithTheSameFigures(String backend) throws Exception {
        Scenario scenario = new Scenario(new Random(23));
        OperatorSubtaskState snapshot;
        try (var h = harness(new PopulationAggregator(), backend)) {
            h.open();
            scenario.feed(h, 0, DAYS / 2);
            snapshot = h.snapshot(1, endOfDay(DAYS / 2));
        }
        try (var h = harness(new PopulationAggregator(), backend)) {
            h.initializeState(snapshot);
            h.open();
            scenario.feed(h, DAYS / 2, DAYS);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population> harness(
            KeyedProcessFunction<Integer, PeriodFeatures, Population> function, String backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), f -> PopulationAggregator.ALL, Types.INT);
        if (backend.equals("rocksdb")) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /**
     * Random features day by day: customers join, change tier, gain and lose their account and
     * profile, move onto and off tied bounds; some send twice for one period, some send the next
     * period's before the watermark passes this one (a faster upstream task).
     */
    private static final class Scenario {
        private final Random random;
        /** Features fed but not yet behind the watermark, by valid time, a customer's last one winning. */
        private final Map<Long, Map<String, PeriodFeatures>> pending = new TreeMap<>();
        private final Map<String, PeriodFeatures> latest = new TreeMap<>();
        private int lastHolderLeft;
        private int tiedHolderLeft;

        Scenario(Random random) {
            this.random = random;
        }

        /** Feeds the days and compares each period's figures with a recomputation. */
        void feed(KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population> h,
                  int fromDay, int toDay) throws Exception {
            for (int day = fromDay; day < toDay; day++) {
                List<PeriodFeatures> input = new ArrayList<>();
                int changes = random.nextInt(day == 0 ? CUSTOMERS : 5);
                for (int i = 0; i < changes; i++) {
                    input.add(features("c" + random.nextInt(CUSTOMERS), endOfDay(day)));
                }
                for (int i = random.nextInt(3); i > 0; i--) {
                    input.add(features("c" + random.nextInt(CUSTOMERS), endOfDay(day + 1)));
                }
                Collections.shuffle(input, random);
                for (PeriodFeatures f : input) {
                    pending.computeIfAbsent(f.asOf, t -> new LinkedHashMap<>()).put(f.customerId, f);
                    h.processElement(new StreamRecord<>(f, f.asOf));
                }
                h.processWatermark(new Watermark(endOfDay(day)));
                List<Population> expected = new ArrayList<>();
                for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                    var period = it.next();
                    if (period.getKey() <= endOfDay(day)) {
                        countHolderMoves(period.getValue().values());
                        latest.putAll(period.getValue());
                        expected.add(recompute(latest.values(), period.getKey()));
                        it.remove();
                    }
                }
                List<Population> out = h.extractOutputValues();
                h.getOutput().clear();
                // Bit for bit: -0.0 and 0.0 differ, as do sums in another order.
                assertThat(out).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
            }
            assertThat(lastHolderLeft).as("periods where the last holder of the largest revenue moved inward")
                    .isPositive();
            assertThat(tiedHolderLeft).as("periods where one of tied holders of the largest revenue moved").isPositive();
        }

        /** Counts the changes that move a holder off the largest revenue: alone on it, or tied. */
        private void countHolderMoves(Collection<PeriodFeatures> changes) {
            List<Double> revenues = latest.values().stream().filter(f -> f.account != null)
                    .map(f -> f.account.getAnnualRevenue()).toList();
            if (revenues.isEmpty()) {
                return;
            }
            double max = Collections.max(revenues);
            long holders = revenues.stream().filter(r -> r == max).count();
            long leaving = changes.stream().filter(f -> holdsRevenue(latest.get(f.customerId), max)
                    && !holdsRevenue(f, max)).count();
            if (leaving > 0 && leaving == holders) {
                lastHolderLeft++;
            } else if (leaving > 0) {
                tiedHolderLeft++;
            }
        }

        private static boolean holdsRevenue(PeriodFeatures f, double revenue) {
            return f != null && f.account != null && f.account.getAnnualRevenue() == revenue;
        }

        private PeriodFeatures features(String customer, long asOf) {
            PeriodFeatures f = new PeriodFeatures();
            f.customerId = customer;
            f.asOf = asOf;
            if (random.nextInt(8) > 0) {
                f.account = new Account();
                f.account.setAnnualRevenue(REVENUES[random.nextInt(REVENUES.length)]);
                f.account.setTotalWonAmount(WON[random.nextInt(WON.length)]);
                f.account.setEmployees(EMPLOYEES[random.nextInt(EMPLOYEES.length)]);
            }
            if (random.nextInt(8) > 0) {
                f.profile = new CustomerProfile();
                f.profile.setCustomerTier(random.nextInt(10) > 0 ? TIERS[random.nextInt(TIERS.length)] : null);
                f.profile.setEstimatedLtv(1_000 + random.nextDouble() * 40_000);
                f.profile.setActivityRiskLevel(random.nextInt(5) > 0 ? "Low" : null);
                f.profile.setCompositeEngagementScore(random.nextDouble() * 20);
            }
            return f;
        }
    }

    /** The figures read afresh from every customer's latest features. */
    private static Population recompute(Collection<PeriodFeatures> latest, long asOf) {
        Map<String, long[]> ltvByTier = new TreeMap<>();
        long engagementSum = 0;
        long engagementCount = 0;
        double revenueMin = Double.POSITIVE_INFINITY, revenueMax = Double.NEGATIVE_INFINITY;
        double employeesMin = Double.POSITIVE_INFINITY, employeesMax = Double.NEGATIVE_INFINITY;
        double wonMax = 0;
        for (PeriodFeatures f : latest) {
            if (f.account != null) {
                revenueMin = Math.min(revenueMin, f.account.getAnnualRevenue());
                revenueMax = Math.max(revenueMax, f.account.getAnnualRevenue());
                employeesMin = Math.min(employeesMin, f.account.getEmployees());
                employeesMax = Math.max(employeesMax, f.account.getEmployees());
                wonMax = Math.max(wonMax, f.account.getTotalWonAmount());
            }
            if (f.profile != null && f.profile.getCustomerTier() != null) {
                long[] sum = ltvByTier.computeIfAbsent(f.profile.getCustomerTier(), t -> new long[2]);
                sum[0] += Math.round(f.profile.getEstimatedLtv() * 100);
                sum[1]++;
            }
            if (f.profile != null && f.profile.getActivityRiskLevel() != null) {
                engagementSum += Math.round(f.profile.getCompositeEngagementScore() * 1_000_000);
                engagementCount++;
            }
        }
        Population p = new Population();
        p.setAsOf(asOf);
        p.setCustomers(latest.size());
        Map<String, Double> averageLtvByTier = new HashMap<>();
        for (Map.Entry<String, long[]> e : ltvByTier.entrySet()) {
            averageLtvByTier.put(e.getKey(), e.getValue()[0] / 100.0 / e.getValue()[1]);
        }
        p.setAverageLtvByTier(averageLtvByTier);
        p.setAverageEngagementScore(engagementCount == 0 ? 0 : engagementSum / 1e6 / engagementCount);
        if (revenueMax >= revenueMin) {
            p.setAnnualRevenueMin(revenueMin);
            p.setAnnualRevenueMax(revenueMax);
            p.setEmployeesMin(employeesMin);
            p.setEmployeesMax(employeesMax);
        }
        p.setTotalWonMax(wonMax);
        return p;
    }
}
