package io.pulse.evaluation;

import io.pulse.flink.SideOutputs;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandboxTest;
import io.pulse.testing.RulePackFixtures;
import io.pulse.model.Recommendation;
import io.pulse.model.DeadLetter;
import io.pulse.features.PeriodFeatures;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.Subscription;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.Map;
import java.util.HashMap;
import java.nio.file.Path;
import java.util.List;

import static io.pulse.testing.RulePackFiles.copyOfPack;
import static io.pulse.testing.RulePackFiles.edit;
import static io.pulse.testing.TestEvents.ACME;
import static io.pulse.testing.TestEvents.day;
import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;

class RuleEvaluationFunctionTest {
    private KeyedBroadcastOperatorTestHarness<String, PeriodFeatures, BroadcastUpdate, Recommendation> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new RuleEvaluationFunction(RuleSet.load(Path.of("rules"))), f -> f.customerId, Types.STRING,
                EvaluatorDescriptors.POPULATIONS, EvaluatorDescriptors.ACTIVE_RULES);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static Population population(long asOf) {
        Population p = RulePackFixtures.population();
        p.setAsOf(asOf);
        return p;
    }

    /** A high-value Gold customer (LTV above its tier's average, monetary score 5) at the given activity risk. */
    private static PeriodFeatures features(long asOf, String activityRisk) {
        PeriodFeatures f = RulePackFixtures.features(ACME, asOf);
        f.profile.setEstimatedLtv(30_000);
        f.profile.setMonetaryScore(5);
        f.profile.setActivityRiskLevel(activityRisk);
        return f;
    }

    private void sendFeatures(PeriodFeatures f) throws Exception {
        harness.processElement(new StreamRecord<>(f, f.asOf));
    }

    private void sendPopulation(long asOf) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(BroadcastUpdate.of(population(asOf)), asOf));
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

    /** Evaluates the customer at the end of {@code day} with the features {@code f} (its asOf set to that day). */
    private List<Recommendation> evaluateOn(int day, PeriodFeatures f) throws Exception {
        int before = harness.extractOutputValues().size();
        f.asOf = endOfDay(day);
        sendPopulation(endOfDay(day));
        sendFeatures(f);
        advanceTo(endOfDay(day));
        List<Recommendation> out = harness.extractOutputValues();
        return out.subList(before, out.size());
    }

    @Test
    void aLowerRiskIsHeldUntilTheInputsIndicatedItForTheDaysBeforeLowering() throws Exception {
        assertThat(evaluateOn(0, features(0, "High"))).extracting(Recommendation::getAction).contains("URGENT_RETAIN");
        for (int day : new int[] {1, 30, 60, 90}) { // Medium indicated from day 1: 89 days by day 90
            List<Recommendation> held = evaluateOn(day, features(0, "Medium"));
            assertThat(held).as("day %d", day).extracting(Recommendation::getAction).doesNotContain("PROACTIVE_ENGAGE");
            assertThat(held).as("day %d", day).allSatisfy(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN));
        }

        List<Recommendation> dayNinetyOne = evaluateOn(91, features(0, "Medium"));
        assertThat(dayNinetyOne).filteredOn(r -> r.getAction().equals("PROACTIVE_ENGAGE"))
                .singleElement().satisfies(r -> {
                    assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN);
                    assertThat(r.getRiskTier()).isEqualTo("Medium");
                });
        assertThat(dayNinetyOne).filteredOn(r -> r.getAction().equals("URGENT_RETAIN"))
                .singleElement().satisfies(r -> {
                    assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.SUPERSEDED);
                    assertThat(r.getValidAsOf()).isEqualTo(day(92));
                });
    }

    @Test
    void oneEvaluationBackAtTheHeldTierStartsTheLowerRunAgain() throws Exception {
        evaluateOn(0, features(0, "High"));
        evaluateOn(1, features(0, "Medium"));
        evaluateOn(60, features(0, "High")); // the run of Medium ends
        evaluateOn(61, features(0, "Medium")); // and starts again
        assertThat(evaluateOn(120, features(0, "Medium"))).as("59 days of the new run")
                .extracting(Recommendation::getAction).doesNotContain("PROACTIVE_ENGAGE");
        assertThat(evaluateOn(151, features(0, "Medium"))).as("90 days of the new run")
                .extracting(Recommendation::getAction).contains("PROACTIVE_ENGAGE", "URGENT_RETAIN");
    }

    @Test
    void aMildRiseWaitsForTheNextSnapshotButARiseOfTheActivityRiskLevelActsAtOnce() throws Exception {
        evaluateOn(0, features(0, "Medium"));
        PeriodFeatures declining = features(0, "Medium");
        declining.profile.setEngagementVelocity("Declining");
        assertThat(evaluateOn(1, declining)).as("a velocity alone: held at Medium")
                .extracting(Recommendation::getAction).doesNotContain("URGENT_RETAIN");
        assertThat(evaluateOn(29, declining)).as("confirmed 28 days later")
                .extracting(Recommendation::getAction).contains("URGENT_RETAIN");

        harness.close();
        setUp();
        evaluateOn(0, features(0, "Medium"));
        assertThat(evaluateOn(1, features(0, "Critical"))).as("the activity risk level itself: at once")
                .extracting(Recommendation::getAction).contains("URGENT_RETAIN");
    }

    @Test
    void anAdoptionSprintIsNotOpenedAgainWithinItsCooldown() throws Exception {
        assertThat(evaluateOn(0, afterAClose(10))).extracting(Recommendation::getAction).contains("ADOPTION_SPRINT_72H");
        assertThat(evaluateOn(1, afterAClose(34))).as("still open: the cooldown does not end it")
                .allSatisfy(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN));
        assertThat(evaluateOn(4, afterAClose(100))).filteredOn(r -> r.getAction().equals("ADOPTION_SPRINT_72H"))
                .singleElement().satisfies(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.SUPERSEDED));
        assertThat(evaluateOn(20, afterAClose(10))).as("20 days after it opened")
                .extracting(Recommendation::getAction).doesNotContain("ADOPTION_SPRINT_72H");
        assertThat(evaluateOn(60, afterAClose(10))).as("60 days after it opened")
                .extracting(Recommendation::getAction).contains("ADOPTION_SPRINT_72H");
    }

    /** An expansion customer whose last conversation closed {@code hours} ago. */
    private static PeriodFeatures afterAClose(int hours) {
        PeriodFeatures f = RulePackFixtures.features(ACME, 0);
        Subscription s = new Subscription();
        s.setCustomerId(ACME);
        s.setPlanName("Scale");
        s.setSeats(20);
        s.setMonthlySpend(500);
        s.setSegment("expansion");
        f.subscription = s;
        f.support.setHoursSinceLastClose(hours);
        return f;
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

    @Test
    void evaluatesWithThePopulationOfItsPeriodNotALaterOne() throws Exception {
        sendPopulation(endOfDay(0));
        Population later = population(endOfDay(2)); // Gold average far above the customer's LTV
        Map<String, Double> gold = new HashMap<>(later.getAverageLtvByTier());
        gold.put("Gold", 1_000_000.0);
        later.setAverageLtvByTier(gold);
        harness.processBroadcastElement(new StreamRecord<>(BroadcastUpdate.of(later), later.getAsOf()));
        sendFeatures(features(endOfDay(0), "High"));
        advanceTo(endOfDay(0));
        assertThat(harness.extractOutputValues()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getValueTier()).isEqualTo("High"));
    }

    @Test
    void aRestoredTaskEvaluatesWithThePopulationsInItsSnapshot() throws Exception {
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "High"));
        OperatorSubtaskState snapshot = harness.snapshot(1, endOfDay(0));
        harness.close();

        harness = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new RuleEvaluationFunction(RuleSet.load(Path.of("rules"))),
                List.of(EvaluatorDescriptors.POPULATIONS, EvaluatorDescriptors.ACTIVE_RULES)),
                f -> f.customerId, Types.STRING, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        advanceTo(endOfDay(0)); // no population sent after the restore
        assertThat(harness.extractOutputValues()).extracting(Recommendation::getAction).contains("URGENT_RETAIN");
    }

    @Test
    void aRuleThatLoopsOrThrowsIsReportedAndTheCustomerKeepsItsRecommendations(@TempDir Path dir) throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new RuleEvaluationFunction(RuleSet.load(RuleSandboxTest.packWith(dir, "runaway-for-some.drl"))),
                f -> f.customerId, Types.STRING, EvaluatorDescriptors.POPULATIONS, EvaluatorDescriptors.ACTIVE_RULES);
        sendPopulation(endOfDay(0));
        sendFeatures(features(endOfDay(0), "Medium"));
        advanceTo(endOfDay(0));
        int before = harness.extractOutputValues().size();
        assertThat(harness.extractOutputValues()).extracting(Recommendation::getAction).contains("PROACTIVE_ENGAGE");

        sendPopulation(endOfDay(1));
        sendFeatures(features(endOfDay(1), "Critical")); // the runaway rule loops for this customer
        advanceTo(endOfDay(1));
        assertThat(harness.extractOutputValues()).as("nothing written, nothing superseded").hasSize(before);
        assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).singleElement().satisfies(r -> {
            DeadLetter d = r.getValue();
            assertThat(d.source).endsWith(":Recheck critical customers again and again");
            assertThat(d.reason).contains("customer " + ACME, "stopped after 1000 rule firings");
            assertThat(d.raw).isEqualTo(ACME);
        });

        sendPopulation(endOfDay(2));
        sendFeatures(features(endOfDay(2), "Very Low")); // the other one throws
        advanceTo(endOfDay(2));
        assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).hasSize(2).last().satisfies(r ->
                assertThat(r.getValue().reason).contains("rule \"Tier number of very-low-risk customers\" failed",
                        "NumberFormatException"));

        sendPopulation(endOfDay(3));
        sendFeatures(features(endOfDay(3), "High")); // and the customer is evaluated again afterwards
        advanceTo(endOfDay(3));
        List<Recommendation> dayThree = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
        assertThat(dayThree).filteredOn(r -> r.getAction().equals("URGENT_RETAIN")).singleElement()
                .satisfies(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.OPEN));
        assertThat(dayThree).filteredOn(r -> r.getAction().equals("PROACTIVE_ENGAGE")).singleElement()
                .satisfies(r -> assertThat(r.getPipelineStatus()).isEqualTo(Recommendation.SUPERSEDED));
    }

    @Test
    void aReloadReScoresEveryCustomerWritesWhatTheNewPackChangesAndReportsIt(@TempDir Path dir) throws Exception {
        PeriodFeatures atRisk = features(endOfDay(0), "High"); // URGENT_RETAIN
        PeriodFeatures steady = features(endOfDay(0), "Medium"); // PROACTIVE_ENGAGE
        steady.customerId = "steady.example";
        sendPopulation(endOfDay(0));
        sendFeatures(atRisk);
        sendFeatures(steady);
        advanceTo(endOfDay(0));
        int before = harness.extractOutputValues().size();

        Path rules = copyOfPack(dir.resolve("rules"));
        edit(rules.resolve("parameters.json"), "\"URGENT_RETAIN\":        { \"priority\": 1,",
                "\"URGENT_RETAIN\":        { \"priority\": 2,");
        RuleSet edited = RuleSet.load(rules);
        harness.processBroadcastElement(new StreamRecord<>(BroadcastUpdate.of(edited), endOfDay(0)));

        List<Recommendation> out = harness.extractOutputValues();
        assertThat(out.subList(before, out.size())).as("only the row the edit changes is written again")
                .singleElement().satisfies(r -> {
                    assertThat(r.getCustomerId()).isEqualTo(ACME);
                    assertThat(r.getAction()).isEqualTo("URGENT_RETAIN");
                    assertThat(r.getPriority()).isEqualTo(2);
                    assertThat(r.getRulesetVersion()).isEqualTo(edited.version());
                });
        assertThat(harness.getSideOutput(EvaluatorDescriptors.RESCORES)).singleElement().satisfies(r -> {
            RescoreReport report = r.getValue();
            assertThat(report.rulesetVersion).isEqualTo(edited.version());
            assertThat(report.customers).as("every customer re-scored, changed or not").isEqualTo(2);
            assertThat(report.actionsWritten).isEqualTo(1);
            assertThat(report.instances).isEqualTo(1);
        });
    }
}
