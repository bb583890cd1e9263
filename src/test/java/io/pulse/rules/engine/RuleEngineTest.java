package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import static io.pulse.testing.RulePackFixtures.AS_OF;
import static io.pulse.testing.RulePackFixtures.HOUR;
import static io.pulse.testing.RulePackFixtures.PACK;
import static io.pulse.testing.RulePackFixtures.account;
import static io.pulse.testing.RulePackFixtures.copyOfPack;
import static io.pulse.testing.RulePackFixtures.edit;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static io.pulse.testing.RulePackFixtures.population;
import static io.pulse.testing.RulePackFixtures.profile;
import static io.pulse.testing.RulePackFixtures.removeRule;
import static io.pulse.testing.RulePackFixtures.shippedEngine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.model.Recommendation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine around the rules: the rule set and its version, compile errors as file:line, the
 * recommendations it fills, and the safety net that every customer gets exactly one of each
 * classification and strategy. Broken or changed packs are copies of the shipped one in a temp dir.
 */
class RuleEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RuleCompilationException compileFails(Path dir) throws IOException {
        return catchThrowableOfType(RuleCompilationException.class, () -> RuleEngine.compile(RuleSet.load(dir)));
    }

    // ---- rule set and version ----------------------------------------------------------------

    @Test
    void ruleSetHoldsTheRuleFilesAndParametersButNotScenariosOrDocs() throws IOException {
        RuleSet rules = RuleSet.load(PACK);
        assertThat(rules.files().keySet()).containsExactly("alerts.drl", "classification.drl", "parameters.json",
                "signals.drl", "strategies.drl", "touchpoints.drl");
        assertThat(rules.version()).matches("[0-9a-f]{12}");
    }

    @Test
    void versionIsStableForTheSameFilesAndChangesWithAnyEdit(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        String shipped = RuleSet.load(PACK).version();
        assertThat(RuleSet.load(dir).version()).isEqualTo(shipped);
        assertThat(RuleSet.load(dir)).isEqualTo(RuleSet.load(PACK));

        Files.writeString(dir.resolve("README.md"), "not part of the pack");
        Files.createDirectory(dir.resolve("scenarios"));
        Files.writeString(dir.resolve("scenarios").resolve("x.json"), "{}");
        assertThat(RuleSet.load(dir).version()).as("docs and scenarios are not rules").isEqualTo(shipped);

        edit(dir.resolve("parameters.json"), "\"highMin\": 80", "\"highMin\": 85");
        String edited = RuleSet.load(dir).version();
        assertThat(edited).isNotEqualTo(shipped);

        Files.writeString(dir.resolve("strategies.drl"), Files.readString(dir.resolve("strategies.drl")) + "\n");
        assertThat(RuleSet.load(dir).version()).as("even whitespace").isNotEqualTo(edited);

        Files.move(dir.resolve("strategies.drl"), dir.resolve("actions.drl"));
        assertThat(RuleSet.load(dir).version()).as("a renamed file").isNotEqualTo(edited);
    }

    @Test
    void ruleSetIsSmallAndJavaSerializable() throws Exception {
        RuleSet rules = RuleSet.load(PACK);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(rules);
        }
        assertThat(bytes.size()).isLessThan(64 * 1024);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            RuleSet copy = (RuleSet) in.readObject();
            assertThat(copy).isEqualTo(rules);
            assertThat(copy.version()).isEqualTo(rules.version());
        }
    }

    // ---- compile errors as file:line: message --------------------------------------------------

    @Test
    void aSyntaxErrorNamesItsFileAndLine(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path drl = dir.resolve("strategies.drl");
        edit(drl, "    RiskTier( $riskTier : tier == \"Medium\" )\nthen\n    insert(RecommendedAction.valueRisk(\"STANDARD_CARE\"",
                "    RiskTier( $riskTier : tier == \"Medium\" ))\nthen\n    insert(RecommendedAction.valueRisk(\"STANDARD_CARE\"");
        int line = lineOf(drl, "tier == \"Medium\" ))");

        RuleCompilationException e = compileFails(dir);
        assertThat(e.problems()).singleElement().asString()
                .startsWith("strategies.drl:" + line + ": ")
                .contains("mismatched input ')'", "Mid value at medium risk: standard care");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void anUnknownFieldNamesItsFileLineAndTheField(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path drl = dir.resolve("classification.drl");
        edit(drl, "TierAverage( $tierAverageLtv : averageLtv < $estimatedLtv )",
                "TierAverage( $tierAverageLtv : averageLtvs < $estimatedLtv )");
        int line = lineOf(drl, "averageLtvs < $estimatedLtv");

        assertThat(compileFails(dir).problems()).singleElement().asString()
                .startsWith("classification.drl:" + line + ": ")
                .contains("TierAverage has no field or method 'averageLtvs'");
    }

    @Test
    void anErrorInAThenPartPointsAtTheStatementNotTheRule(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path drl = dir.resolve("strategies.drl");
        edit(drl, "        \"Review again at the next period\"));\n",
                "        \"Review again at the next period\"));\n    String note = \"debugging\".substrin(1);\n");
        int line = lineOf(drl, ".substrin(");

        assertThat(compileFails(dir).problems()).singleElement().asString()
                .startsWith("strategies.drl:" + line + ": ")
                .contains("in the then part of rule \"Low value at medium risk: low priority\"", "substrin");
    }

    @Test
    void severalErrorsInSeveralFilesAreAllReportedInFileAndLineOrder(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        edit(dir.resolve("strategies.drl"), "    insert(RecommendedAction.valueRisk(\"SELF_SERVICE\",",
                "    int steps = \"three\";\n    insert(RecommendedAction.valueRisk(\"SELF_SERVICE\",");
        edit(dir.resolve("classification.drl"), "    insert(new IndicatedRiskTier(\"Low\"));",
                "    insert(new IndicatedRiskTier(\"Low\"));\n    undefinedHelper();");
        int classificationLine = lineOf(dir.resolve("classification.drl"), "undefinedHelper");
        int strategiesLine = lineOf(dir.resolve("strategies.drl"), "int steps");

        assertThat(compileFails(dir).problems()).hasSize(2).satisfiesExactly(
                p -> assertThat(p).startsWith("classification.drl:" + classificationLine + ": ").contains("undefinedHelper"),
                p -> assertThat(p).startsWith("strategies.drl:" + strategiesLine + ": ")
                        .contains("Type mismatch: cannot convert from String to int"));
    }

    @Test
    void parameterProblemsNameTheParametersFileAndLine(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path params = dir.resolve("parameters.json");
        edit(params, "\"contactQuality\": 0.3", "\"contactQuality\": 0.35");
        edit(params, "\"mediumMin\": 50", "\"mediumMin\": 90");
        assertThat(compileFails(dir).problems()).containsExactly(
                "parameters.json:" + lineOf(params, "\"weights\"")
                        + ": the weights in healthScore.weights add up to 1.05, not 1",
                "parameters.json:" + lineOf(params, "\"healthBands\"")
                        + ": healthBands.mediumMin (90.0) must be below highMin (80.0)");
    }

    @Test
    void negativeDampingDaysNameTheParameterAndLine(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path params = dir.resolve("parameters.json");
        edit(params, "\"daysBeforeLowering\": 90", "\"daysBeforeLowering\": -1");
        edit(params, "\"adoptionSprintCooldownDays\": 60", "\"adoptionSprintCooldownDays\": -7");
        assertThat(compileFails(dir).problems()).containsExactly(
                "parameters.json:" + lineOf(params, "\"daysBeforeLowering\"")
                        + ": riskTier.daysBeforeLowering must be 0 or more days, not -1",
                "parameters.json:" + lineOf(params, "\"adoptionSprintCooldownDays\"")
                        + ": touchpoints.adoptionSprintCooldownDays must be 0 or more days, not -7");
    }

    @Test
    void malformedUnknownAndMissingParametersAreReported(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path params = dir.resolve("parameters.json");
        String good = Files.readString(params);

        edit(params, "\"highMin\": 80,", "\"highMin\": 80");
        assertThat(compileFails(dir).problems()).singleElement().asString()
                .startsWith("parameters.json:" + lineOf(params, "\"mediumMin\"") + ": ");

        Files.writeString(params, good);
        edit(params, "\"highMin\": 80,", "\"highMinimum\": 80,");
        assertThat(compileFails(dir).problems()).singleElement().asString()
                .startsWith("parameters.json:" + lineOf(params, "\"highMinimum\"") + ": ")
                .contains("highMinimum");

        Files.writeString(params, good);
        edit(params, "    \"pipelineWeight\": 0.6\n", "");
        edit(params, "\"totalWonWeight\": 0.4,", "\"totalWonWeight\": 0.4");
        assertThat(compileFails(dir).problems()).singleElement().asString()
                .isEqualTo("parameters.json:" + lineOf(params, "\"predicted6mRevenue\"")
                        + ": missing \"pipelineWeight\" in predicted6mRevenue");
    }

    @Test
    void anActionWithoutPriorityAndSlaIsACompileError(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        edit(dir.resolve("parameters.json"), "    \"SELF_SERVICE\":         { \"priority\": 5, \"slaHours\": 720 }\n", "");
        edit(dir.resolve("parameters.json"), "\"LOW_PRIORITY\":         { \"priority\": 5, \"slaHours\": 720 },",
                "\"LOW_PRIORITY\":         { \"priority\": 5, \"slaHours\": 720 }");
        int line = lineOf(dir.resolve("strategies.drl"), "RecommendedAction.valueRisk(\"SELF_SERVICE\"");
        assertThat(compileFails(dir).problems()).containsExactly("strategies.drl:" + line
                + ": action SELF_SERVICE has no priority and SLA: add it to \"actions\" in parameters.json");
    }

    @Test
    void aPackWithoutParametersDoesNotCompile(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Files.delete(dir.resolve("parameters.json"));
        assertThat(compileFails(dir).problems())
                .containsExactly("parameters.json:0: missing: the rule pack needs its parameters file");
    }

    /**
     * Flink gives each job a user-code class loader and closes it when the job ends; a second job
     * in the same JVM (a MiniCluster, a session cluster) must still compile. MVEL captures the
     * context class loader of the first build in the JVM, so this runs in a fresh JVM.
     */
    @Test
    void aSecondJobCompilesAfterTheFirstJobsClassLoaderIsClosed() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TwoJobsInOneJvm.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("job 1: URGENT_RETAIN", "job 2: URGENT_RETAIN");
    }

    /** Two "jobs", each compiling and evaluating with its own class loader, closed at its end. */
    static final class TwoJobsInOneJvm {
        /** Like Flink's safety-net class loader: refuses all loading once its job has ended. */
        static final class JobClassLoader extends ClassLoader {
            volatile boolean closed;

            JobClassLoader() {
                super(TwoJobsInOneJvm.class.getClassLoader());
            }

            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (closed) {
                    throw new IllegalStateException("Trying to access closed classloader: " + name);
                }
                return super.loadClass(name, resolve);
            }
        }

        public static void main(String[] args) throws Exception {
            for (int job = 1; job <= 2; job++) {
                JobClassLoader loader = new JobClassLoader();
                String[] result = new String[1];
                Thread task = new Thread(() -> {
                    Thread.currentThread().setContextClassLoader(loader);
                    try {
                        CustomerProfile p = profile("acme.example");
                        p.setEstimatedLtv(30_000);
                        p.setMonetaryScore(5);
                        p.setActivityRiskLevel("Critical");
                        result[0] = RuleEngine.compile(RuleSet.load(PACK), loader)
                                .evaluate(account("acme.example"), p, population(), AS_OF).valueRiskStrategy();
                    } catch (Exception e) {
                        result[0] = e.toString();
                    }
                });
                task.start();
                task.join();
                loader.closed = true;
                System.out.println("job " + job + ": " + result[0]);
            }
        }
    }

    // ---- evaluation ----------------------------------------------------------------------------

    @Test
    void everyRecommendationIsFilledCompletely() throws IOException {
        Account a = account("acme.example");
        CustomerProfile p = profile("acme.example");
        p.setEstimatedLtv(30_000);
        p.setMonetaryScore(5);
        p.setActivityRiskLevel("Critical");
        CustomerEvaluation e = shippedEngine().evaluate(a, p, population(), AS_OF);

        assertThat(e.customerId()).isEqualTo("acme.example");
        assertThat(e.valueRiskStrategy()).isEqualTo("URGENT_RETAIN");
        assertThat(e.healthStrategy()).isEqualTo("NURTURE_AND_GROW");
        assertThat(e.rulesetVersion()).isEqualTo(RuleSet.load(PACK).version());
        assertThat(e.recommendations()).extracting(Recommendation::getAction)
                .containsExactly("URGENT_RETAIN", "NURTURE_AND_GROW"); // priority 1 before 3

        Recommendation urgent = e.recommendation("URGENT_RETAIN");
        assertThat(urgent.getCustomerId()).isEqualTo("acme.example");
        assertThat(urgent.getFamily()).isEqualTo("VALUE_RISK");
        assertThat(urgent.getValueTier()).isEqualTo("High");
        assertThat(urgent.getRiskTier()).isEqualTo("High");
        assertThat(urgent.getHealthBand()).isEqualTo("Medium");
        assertThat(urgent.getHealthScore()).isEqualTo(55.38);
        assertThat(urgent.getPredicted6mRevenue()).isEqualTo(38_766_000.0);
        assertThat(urgent.getPriority()).isEqualTo(1);
        assertThat(urgent.getDueAt()).isEqualTo(AS_OF + 24 * HOUR);
        assertThat(urgent.getValidAsOf()).isEqualTo(AS_OF);
        assertThat(urgent.getRulesetVersion()).isEqualTo(e.rulesetVersion());
        assertThat(urgent.getPipelineStatus()).isEqualTo(Recommendation.OPEN);
        assertThat(JSON.readTree(urgent.getPlaybook())).hasSize(4)
                .first().asString().contains("Executive sponsor calls the customer within 24 hours");

        Recommendation nurture = e.recommendation("NURTURE_AND_GROW");
        assertThat(nurture.getFamily()).isEqualTo("HEALTH");
        assertThat(nurture.getPriority()).isEqualTo(3);
        assertThat(nurture.getDueAt()).isEqualTo(AS_OF + 336 * HOUR);
    }

    @Test
    void everyRecommendationCarriesTheCustomersCohorts() throws IOException {
        CustomerProfile quiet = profile("quiet.example");
        quiet.setMarketingToSalesDays(15);
        quiet.setSalesToSupportDays(45);
        quiet.setCompositeEngagementScore(population().getAverageEngagementScore() + 1);
        CustomerEvaluation e = shippedEngine().evaluate(account("quiet.example"), quiet, population(), AS_OF);
        assertThat(e.cohorts()).containsExactly("QUIET_HIGH_VALUE");
        assertThat(e.recommendations()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getCohorts()).isEqualTo("[\"QUIET_HIGH_VALUE\"]"));

        CustomerEvaluation plain = shippedEngine().evaluate(account("plain.example"), profile("plain.example"),
                population(), AS_OF);
        assertThat(plain.recommendations()).allSatisfy(r -> assertThat(r.getCohorts()).isEqualTo("[]"));
    }

    @Test
    void everyRecommendationCarriesTheAccountsIndustryAndSizeAsEvaluated() {
        Account a = account("acme.example");
        a.setIndustry("Healthcare");
        a.setSizeSegment("Large");
        CustomerEvaluation e = shippedEngine().evaluate(a, profile("acme.example"), population(), AS_OF);
        assertThat(e.recommendations()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getIndustry()).as(r.toString()).isEqualTo("Healthcare");
            assertThat(r.getSizeSegment()).as(r.toString()).isEqualTo("Large");
        });
        Recommendation moved = e.recommendations().get(0);
        Recommendation.Fingerprint unmoved = moved.fingerprint();
        moved.setIndustry("Retail");
        assertThat(moved.sameRecommendationAs(unmoved)).as("a moved account is written again").isFalse();
    }

    @Test
    void reasonsAreTheChainOfRulesBehindEachActionWithTheirFacts() throws IOException {
        CustomerProfile p = profile("acme.example");
        p.setEstimatedLtv(30_000);
        p.setMonetaryScore(5);
        p.setActivityRiskLevel("Critical");
        CustomerEvaluation e = shippedEngine().evaluate(account("acme.example"), p, population(), AS_OF);

        JsonNode urgent = JSON.readTree(e.recommendation("URGENT_RETAIN").getReasons());
        assertThat(urgent).extracting(r -> r.get("rule").asText()).containsExactly(
                "High value: LTV above its tier's average and a strong monetary score",
                "High risk: high activity risk or declining engagement",
                "Risk tier as indicated: the first evaluation, or the same tier as before",
                "High value at high risk: urgent retain");
        assertThat(urgent.get(0).get("facts").toString()).isEqualTo(
                "{\"minMonetaryScore\":4,\"customerTier\":\"Gold\",\"estimatedLtv\":30000,\"monetaryScore\":5,"
                        + "\"tierAverageLtv\":21000}");
        assertThat(urgent.get(1).get("facts").toString())
                .isEqualTo("{\"activityRiskLevel\":\"Critical\",\"engagementVelocity\":\"Stable\"}");
        assertThat(urgent.get(2).get("facts").toString()).isEqualTo("{\"indicatedTier\":\"High\",\"indicatedRank\":2}");
        assertThat(urgent.get(3).get("facts").toString()).isEqualTo("{\"valueTier\":\"High\",\"riskTier\":\"High\"}");

        JsonNode nurture = JSON.readTree(e.recommendation("NURTURE_AND_GROW").getReasons());
        assertThat(nurture).extracting(r -> r.get("rule").asText()).containsExactly(
                "Health score from the four weighted dimensions",
                "Medium health band",
                "Medium health: nurture and grow through reviews (Mid-Market and up)");
        assertThat(nurture.get(0).get("facts").get("daysSinceLastActivity").asInt()).isEqualTo(20);
        assertThat(nurture.get(1).get("facts").toString()).isEqualTo(
                "{\"mediumMin\":50,\"highMin\":80,\"margin\":2,\"healthScore\":55.38,\"activity\":0.5395,\"contactQuality\":0.9,"
                        + "\"commercialValue\":0.1,\"scale\":0.4799}");

        assertThat(e.firedRules()).hasSize(7).containsSubsequence(
                "Health score from the four weighted dimensions", "Medium health band");
    }

    @Test
    void evaluationIsDeterministicAndKeepsNothingBetweenCustomers() throws Exception {
        RuleEngine fresh = RuleEngine.compile(RuleSet.load(PACK));
        CustomerProfile risky = profile("a.example");
        risky.setActivityRiskLevel("Critical");
        List<String> first = new ArrayList<>();
        for (Recommendation r : shippedEngine().evaluate(account("a.example"), risky, population(), AS_OF).recommendations()) {
            first.add(r.getAction() + r.getPlaybook() + r.getReasons() + r.getDueAt());
        }
        shippedEngine().evaluate(account("b.example"), profile("b.example"), population(), AS_OF);
        List<String> again = new ArrayList<>();
        for (Recommendation r : fresh.evaluate(account("a.example"), risky, population(), AS_OF).recommendations()) {
            again.add(r.getAction() + r.getPlaybook() + r.getReasons() + r.getDueAt());
        }
        assertThat(again).isEqualTo(first);
    }

    @Test
    void aMissingSizeSegmentStillGetsExactlyOneHealthStrategy() {
        for (String band : List.of("Low", "Medium", "High")) {
            Account a = account("nosize.example");
            a.setSizeSegment(null);
            if (band.equals("Low")) {
                a.setTotalContacts(0);
            } else if (band.equals("High")) {
                a.setActivities30d(480);
                a.setDaysSinceLastActivity(0);
                a.setContactsWithEmail(10);
                a.setAnnualRevenue(1e10);
                a.setTotalWonAmount(1e9);
                a.setEmployees(50_000);
            }
            CustomerEvaluation e = shippedEngine().evaluate(a, profile("nosize.example"), population(), AS_OF);
            assertThat(e.healthBand()).isEqualTo(band);
            assertThat(e.healthStrategy()).isNotNull();
        }
    }

    @Test
    void parametersChangeTheOutcomeWithoutJava(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        edit(dir.resolve("parameters.json"), "\"mediumMin\": 50", "\"mediumMin\": 60");
        edit(dir.resolve("parameters.json"), "\"NURTURE_AND_GROW\":     { \"priority\": 3, \"slaHours\": 336 }",
                "\"NURTURE_AND_GROW\":     { \"priority\": 2, \"slaHours\": 48 }");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        CustomerEvaluation e = engine.evaluate(account("acme.example"), profile("acme.example"), population(), AS_OF);
        assertThat(e.healthScore()).isEqualTo(55.38);
        assertThat(e.healthBand()).isEqualTo("Low");
        assertThat(e.healthStrategy()).isEqualTo("REACT_AND_RESCUE");

        edit(dir.resolve("parameters.json"), "\"mediumMin\": 60", "\"mediumMin\": 50");
        Recommendation nurture = RuleEngine.compile(RuleSet.load(dir))
                .evaluate(account("acme.example"), profile("acme.example"), population(), AS_OF)
                .recommendation("NURTURE_AND_GROW");
        assertThat(nurture.getPriority()).isEqualTo(2);
        assertThat(nurture.getDueAt()).isEqualTo(AS_OF + 48 * HOUR);
    }

    @Test
    void accountAndProfileMustBeTheSameCustomer() {
        assertThatThrownBy(() -> shippedEngine().evaluate(account("a.example"), profile("b.example"), population(), AS_OF))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.example").hasMessageContaining("b.example");
    }

    // ---- the safety net: exactly one of each --------------------------------------------------

    @Test
    void twoValueTiersForOneCustomerAreRefusedNamingTheCustomerAndTheRules(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Files.writeString(dir.resolve("overlap.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;
                import io.pulse.rules.facts.ValueTier;

                rule "Gold customers are high value"
                when
                    CustomerProfile( customerTier == "Gold" )
                then
                    insert(new ValueTier("High"));
                end
                """);
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        // A Low-value Gold customer: the pack says Low, the new rule says High.
        CustomerProfile p = profile("gold.example");
        p.setEstimatedLtv(15_000);
        p.setMonetaryScore(1);
        assertThatThrownBy(() -> engine.evaluate(account("gold.example"), p, population(), AS_OF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("customer gold.example")
                .hasMessageContaining("exactly one ValueTier, but 2 were inserted")
                .hasMessageContaining("\"Gold customers are high value\"")
                .hasMessageContaining("\"Low value: LTV below its tier's average and a weak monetary score\"")
                .hasMessageContaining("RecommendedAction of family VALUE_RISK, but 2 were inserted");
    }

    @Test
    void aCustomerNoRulePlacesIsRefused(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Path drl = dir.resolve("classification.drl");
        // Drop the default: Low activity risk with a Stable velocity is then in no risk tier.
        removeRule(drl, "Medium risk by default");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        CustomerProfile p = profile("stable.example");
        p.setActivityRiskLevel("Low");
        p.setEngagementVelocity("Stable");
        assertThatThrownBy(() -> engine.evaluate(account("stable.example"), p, population(), AS_OF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("customer stable.example")
                .hasMessageContaining("exactly one RiskTier, but no rule inserted one")
                .hasMessageContaining("exactly one RecommendedAction of family VALUE_RISK, but no rule inserted one")
                .hasMessageContaining("rules fired: [Health score from the four weighted dimensions");
    }

    @Test
    void aRuleThatFailsIsReportedForTheCustomer(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        edit(dir.resolve("classification.drl"), "insert(new ValueTier(\"Mid\"));", "insert(new ValueTier(\"mid\"));");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        assertThatThrownBy(() -> engine.evaluate(account("typo.example"), profile("typo.example"), population(), AS_OF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("customer typo.example")
                .hasMessageContaining("Mid value: neither high nor low")
                .hasMessageContaining("ValueTier must be one of [High, Low, Mid], not \"mid\"");
        // the engine is still usable afterwards
        CustomerProfile high = profile("next.example");
        high.setEstimatedLtv(30_000);
        high.setMonetaryScore(5);
        assertThat(engine.evaluate(account("next.example"), high, population(), AS_OF).valueTier()).isEqualTo("High");
    }

    @Test
    void theSameActionTwiceIsRefused(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.HealthBand;
                import io.pulse.rules.facts.RecommendedAction;

                rule "Medium health: standard care as well"
                when
                    HealthBand( band == "Medium" )
                then
                    insert(new RecommendedAction("STANDARD_CARE", "EXTRA", java.util.List.of("Call")));
                end
                """);
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        assertThatThrownBy(() -> engine.evaluate(account("twice.example"), profile("twice.example"), population(), AS_OF))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STANDARD_CARE was recommended twice")
                .hasMessageContaining("\"Medium health: standard care as well\"");
    }
}
