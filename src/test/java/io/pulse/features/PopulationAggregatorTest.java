package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PopulationAggregatorTest {

    private static PeriodFeatures features(String customer, long asOf, String tier, double ltv, double engagement,
                                             double revenue, long employees) {
        PeriodFeatures f = new PeriodFeatures();
        f.customerId = customer;
        f.asOf = asOf;
        f.account = new Account();
        f.account.setAnnualRevenue(revenue);
        f.account.setEmployees(employees);
        f.account.setTotalWonAmount(revenue / 10);
        f.profile = new CustomerProfile();
        f.profile.setCustomerTier(tier);
        f.profile.setEstimatedLtv(ltv);
        f.profile.setActivityRiskLevel("Low");
        f.profile.setCompositeEngagementScore(engagement);
        return f;
    }

    private static List<Population> run(List<PeriodFeatures> input, long watermark) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Integer, PeriodFeatures, Population> h =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                             new PopulationAggregator(), f -> PopulationAggregator.ALL, Types.INT)) {
            for (PeriodFeatures f : input) {
                h.processElement(new StreamRecord<>(f, f.asOf));
            }
            h.processWatermark(new Watermark(watermark));
            return h.extractOutputValues();
        }
    }

    @Test
    void computesTierAveragesEngagementAndBoundsAtThePeriodEnd() throws Exception {
        List<Population> out = run(List.of(
                features("a", endOfDay(0), "Gold", 20_000, 6, 1e6, 50),
                features("b", endOfDay(0), "Gold", 24_000, 10, 5e9, 20_000),
                features("c", endOfDay(0), "Basic", 1_500, 8, 3e7, 300)), endOfDay(0));
        Population p = out.get(0);
        assertThat(p.getAsOf()).isEqualTo(endOfDay(0));
        assertThat(p.getCustomers()).isEqualTo(3);
        assertThat(p.averageLtv("Gold")).isCloseTo(22_000, within(1e-9));
        assertThat(p.averageLtv("Basic")).isCloseTo(1_500, within(1e-9));
        assertThat(p.averageLtv("Platinum")).isZero();
        assertThat(p.getAverageEngagementScore()).isCloseTo(8.0, within(1e-9));
        assertThat(p.getAnnualRevenueMin()).isEqualTo(1e6);
        assertThat(p.getAnnualRevenueMax()).isEqualTo(5e9);
        assertThat(p.getEmployeesMin()).isEqualTo(50);
        assertThat(p.getEmployeesMax()).isEqualTo(20_000);
        assertThat(p.getTotalWonMax()).isEqualTo(5e8);
    }

    @Test
    void eachPeriodSeesOnlyFeaturesValidByItsEnd() throws Exception {
        // Day 1's features arrive before the watermark passes day 0, as from a faster upstream task.
        List<Population> out = run(List.of(
                features("a", endOfDay(0), "Gold", 20_000, 6, 1e6, 50),
                features("a", endOfDay(1), "Silver", 9_000, 6, 1e6, 50)), endOfDay(1));
        assertThat(out).hasSize(2);
        assertThat(out.get(0).averageLtv("Gold")).isEqualTo(20_000);
        assertThat(out.get(0).averageLtv("Silver")).isZero();
        assertThat(out.get(1).averageLtv("Gold")).isZero();
        assertThat(out.get(1).averageLtv("Silver")).isEqualTo(9_000);
    }

    @Test
    void theFiguresDoNotDependOnArrivalOrder() throws Exception {
        Random random = new Random(7);
        List<PeriodFeatures> input = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            input.add(features("c" + i, endOfDay(0), i % 2 == 0 ? "Gold" : "Silver",
                    1_000 + random.nextDouble() * 40_000, random.nextDouble() * 20, random.nextDouble() * 1e9,
                    random.nextInt(50_000)));
        }
        Population first = run(input, endOfDay(0)).get(0);
        Collections.shuffle(input, new Random(99));
        Population shuffled = run(input, endOfDay(0)).get(0);
        // Exact equality, not closeness: floating-point sums in another order would differ in the last bits.
        assertThat(shuffled.getAverageLtvByTier()).isEqualTo(first.getAverageLtvByTier());
        assertThat(shuffled.getAverageEngagementScore()).isEqualTo(first.getAverageEngagementScore());
    }
}
