package io.pulse.rules;

import io.pulse.actions.Recommendation;
import io.pulse.features.CustomerFeatures;
import io.pulse.job.PulseDescriptors;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.SupportActivity;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.pulse.testing.TestEvents.ACME;
import static io.pulse.testing.TestEvents.day;
import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;

class RuleEvaluationFunctionTest {
    private KeyedBroadcastOperatorTestHarness<String, CustomerFeatures, Population, Recommendation> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new RuleEvaluationFunction(RuleSet.load(Path.of("rules"))), f -> f.customerId, Types.STRING,
                PulseDescriptors.POPULATIONS);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static Population population(long asOf) {
        Population p = new Population();
        p.setAsOf(asOf);
        p.setCustomers(100);
        p.getAverageLtvByTier().put("Gold", 20_000.0);
        p.setAverageEngagementScore(8);
        p.setAnnualRevenueMin(1e6);
        p.setAnnualRevenueMax(1e10);
        p.setTotalWonMax(1e9);
        p.setEmployeesMin(10);
        p.setEmployeesMax(50_000);
        return p;
    }

    /** A high-value Gold customer whose activity risk is the given level. */
    private static CustomerFeatures features(long asOf, String activityRisk) {
        CustomerFeatures f = new CustomerFeatures();
        f.customerId = ACME;
        f.asOf = asOf;
        Account a = new Account();
        a.setCustomerId(ACME);
        a.setSizeSegment("Enterprise");
        a.setEmployees(20_000);
        a.setAnnualRevenue(2e9);
        a.setTotalWonAmount(1e8);
        a.setPipelineAmount(5e7);
        a.setTotalContacts(10);
        a.setContactsWithEmail(9);
        a.setDaysSinceLastActivity(10);
        a.setActivities30d(40);
        f.account = a;
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(ACME);
        p.setCustomerTier("Gold");
        p.setEstimatedLtv(30_000);
        p.setMonetaryScore(5);
        p.setActivityRiskLevel(activityRisk);
        p.setEngagementVelocity("Stable");
        f.profile = p;
        f.support = new SupportActivity();
        return f;
    }

    private void sendFeatures(CustomerFeatures f) throws Exception {
        harness.processElement(new StreamRecord<>(f, f.asOf));
    }

    private void sendPopulation(long asOf) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(population(asOf), asOf));
    }

    private void advanceTo(long time) throws Exception {
        harness.processWatermark(new Watermark(time));
        harness.processBroadcastWatermark(new Watermark(time));
    }

    @Test
    void evaluatesAtThePeriodEndNotOnArrival() throws Exception {
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "High"));
        assertThat(harness.extractOutputValues()).isEmpty();

        advanceTo(endOfDay(0));
        List<Recommendation> out = harness.extractOutputValues();
        assertThat(out).extracting(Recommendation::getAction).contains("URGENT_RETAIN");
        assertThat(out).extracting(Recommendation::getFamily).containsExactlyInAnyOrder("VALUE_RISK", "HEALTH");
        assertThat(out).allSatisfy(r -> {
            assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN);
            assertThat(r.getValidAsOf()).isEqualTo(day(1)); // midnight after the evaluated day
            assertThat(r.getRulesetVersion()).isNotBlank();
        });
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void waitsForThePopulationInputBeforeEvaluating() throws Exception {
        sendFeatures(features(endOfDay(0), "High"));
        harness.processWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).isEmpty(); // the broadcast side is still behind
        sendPopulation(endOfDay(0));
        harness.processBroadcastWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).isNotEmpty();
    }

    @Test
    void writesNothingWhenTheRecommendationIsUnchanged() throws Exception {
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "High"));
        advanceTo(endOfDay(0));
        int first = harness.extractOutputValues().size();

        sendPopulation(endOfDay(1));
        sendFeatures(features(endOfDay(1), "High"));
        advanceTo(endOfDay(1));
        assertThat(harness.extractOutputValues()).hasSize(first);
    }

    @Test
    void aChangedStrategyRetiresTheOldRow() throws Exception {
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "High"));
        advanceTo(endOfDay(0));
        int before = harness.extractOutputValues().size();

        sendPopulation(endOfDay(1));
        sendFeatures(features(endOfDay(1), "Medium"));
        advanceTo(endOfDay(1));
        List<Recommendation> out = harness.extractOutputValues();
        List<Recommendation> dayOne = out.subList(before, out.size());
        assertThat(dayOne).filteredOn(r -> r.getAction().equals("PROACTIVE_ENGAGE"))
                .singleElement().satisfies(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN));
        assertThat(dayOne).filteredOn(r -> r.getAction().equals("URGENT_RETAIN"))
                .singleElement().satisfies(r -> {
                    assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.SUPERSEDED);
                    assertThat(r.getValidAsOf()).isEqualTo(day(2));
                });
    }

    @Test
    void usesTheFeaturesOfThePeriodBeingEvaluatedEvenIfALaterOneArrivedFirst() throws Exception {
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "High"));
        sendFeatures(features(endOfDay(1), "Medium")); // from a faster upstream, before day 0 is due
        harness.processWatermark(new Watermark(endOfDay(1)));
        harness.processBroadcastWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).extracting(Recommendation::getAction)
                .contains("URGENT_RETAIN").doesNotContain("PROACTIVE_ENGAGE");
    }
}
