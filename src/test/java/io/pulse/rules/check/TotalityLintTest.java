package io.pulse.rules.check;

import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.RuleSet;
import static io.pulse.testing.RulePackFixtures.PACK;
import static io.pulse.testing.RulePackFixtures.copyOfPack;
import static io.pulse.testing.RulePackFixtures.edit;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static io.pulse.testing.RulePackFixtures.removeRule;
import static io.pulse.testing.RulePackFixtures.shippedEngine;
import static io.pulse.rules.sandbox.RuleSandboxTest.packWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.pulse.testing.RulePackFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The totality lint finds, on customers generated from the scenarios' facts, what the compiler
 * cannot: gaps, overlaps, rules that fail and rules that never fire, each at the rule's
 * {@code file:line}. Broken packs are the shipped one with one file added or one rule changed.
 */
class TotalityLintTest {

    private static TotalityLint.Report lint(Path dir) throws Exception {
        return TotalityLint.run(RuleEngine.compile(RuleSet.load(dir)), PACK.resolve("scenarios"));
    }

    /** Line of the {@code rule "..."} that holds the first line containing {@code marker}. */
    private static int ruleLineOf(Path file, String marker) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int at = lineOf(file, marker) - 1; at >= 0; at--) {
            if (lines.get(at).startsWith("rule \"")) {
                return at + 1;
            }
        }
        throw new AssertionError("no rule around \"" + marker + "\" in " + file);
    }

    @Test
    void theShippedPackGivesEveryCustomerExactlyOneOfEachAndEveryRuleFires() throws Exception {
        TotalityLint.Report report = TotalityLint.run(shippedEngine(), PACK.resolve("scenarios"));
        assertThat(report.problems()).isEmpty();
        assertThat(report.scenarios()).isPositive();
        assertThat(report.customers()).isGreaterThan(report.scenarios());
    }

    @Test
    void aGapIsReportedWithACustomerWhoFallsIntoIt(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Path drl = dir.resolve("classification.drl");
        // Drop the risk default: Low activity risk with a Stable velocity is then in no risk tier.
        removeRule(drl, "Medium risk by default");

        int firstRiskRule = ruleLineOf(drl, "insert(new RiskTier(");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("classification.drl:" + firstRiskRule + ": gap: no rule gives RiskTier for the customer of scenario")
                .contains("profile.activityRiskLevel = ", "profile.engagementVelocity = ", "the rules that give one: "));
    }

    @Test
    void aGapBetweenTwoThresholdsIsFoundFromTheParameters(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Path drl = dir.resolve("classification.drl");
        // Medium starts 5 points above where Low ends: scores from 50 to 55 are in no band.
        edit(drl, "$healthScore : score >= $mediumMin,", "$healthScore : score >= $mediumMin + 5,");
        int firstBandRule = ruleLineOf(drl, "insert(new HealthBand(");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("classification.drl:" + firstBandRule + ": gap: no rule gives HealthBand for the customer of"));
    }

    @Test
    void anOverlapIsReportedAtEachRuleInvolved(@TempDir Path dir) throws Exception {
        packWith(dir, "overlap.drl");
        int line = lineOf(dir.resolve("overlap.drl"), "rule \"Gold customers are high value\"");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("overlap.drl:" + line + ": overlap: 2 x ValueTier for the customer of scenario")
                .contains("\"Gold customers are high value\" (overlap.drl:" + line + ")"));
    }

    @Test
    void anUnreachableRuleIsReported(@TempDir Path dir) throws Exception {
        packWith(dir, "unreachable.drl");
        int line = lineOf(dir.resolve("unreachable.drl"), "rule \"Impossible monetary score\"");
        assertThat(lint(dir).problems()).containsExactly("unreachable.drl:" + line
                + ": rule \"Impossible monetary score\" is unreachable: it fired for none of " + lint(dir).customers()
                + " generated customers nor the " + lint(dir).scenarios() + " scenarios");
    }

    @Test
    void declaredFeaturesAreVariedLikeAnyInputSoARuleOnThemAloneIsReachableWithoutAScenario(@TempDir Path dir)
            throws Exception {
        RulePackFixtures.packWithDeclaredFeatures(dir, false);
        Files.delete(dir.resolve("scenarios/onboarding.json")); // no scenario sets the features
        Path drl = dir.resolve("onboarding.drl");
        // On the features alone: the lint varies one number at a time (two at once need a scenario).
        edit(drl, "    Subscription( $segment : segment == \"new_contract\" )\n", "");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        assertThat(TotalityLint.run(engine, dir.resolve("scenarios")).problems()).isEmpty();

        edit(drl, "implementationConversations45d >= 2", "implementationConversations45d >= 2,"
                + " implementationConversations45d < 1");
        assertThat(TotalityLint.run(RuleEngine.compile(RuleSet.load(dir)), dir.resolve("scenarios")).problems())
                .singleElement().asString().startsWith("onboarding.drl:")
                .contains("\"Onboarding stall: few features used and implementation questions\" is unreachable");
    }

    @Test
    void aRuleThatReTriggersItselfIsReportedAtItsLine(@TempDir Path dir) throws Exception {
        packWith(dir, "self-retrigger.drl");
        int line = lineOf(dir.resolve("self-retrigger.drl"), "rule \"Touch the profile");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("self-retrigger.drl:" + line + ": rule \"Touch the profile on every evaluation\" fails for "
                        + "the customer of scenario")
                .contains("stopped after 1000 rule firings"));
    }

    @Test
    void aRuleThatRunsOverTheTimeBudgetIsReportedAtItsLine(@TempDir Path dir) throws Exception {
        packWith(dir, "slow-retrigger.drl");
        Path parameters = dir.resolve("parameters.json");
        String json = Files.readString(parameters).strip();
        Files.writeString(parameters, json.substring(0, json.length() - 1).stripTrailing()
                + ",\n  \"engine\": { \"maxFiringsPerEvaluation\": 100000, \"maxMillisPerEvaluation\": 20 }\n}\n");
        int line = lineOf(dir.resolve("slow-retrigger.drl"), "rule \"Rebuild the profile notes");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("slow-retrigger.drl:" + line + ": rule \"Rebuild the profile notes on every change\" fails for ")
                .contains(": stopped after 20 ms (engine.maxMillisPerEvaluation): rule \"Rebuild the profile notes"));
    }

    @Test
    void aRuleThatThrowsIsReportedAtItsLine(@TempDir Path dir) throws Exception {
        packWith(dir, "throwing-rule.drl");
        int line = lineOf(dir.resolve("throwing-rule.drl"), "rule \"Tier number");
        assertThat(lint(dir).problems()).anySatisfy(p -> assertThat(p)
                .startsWith("throwing-rule.drl:" + line + ": rule \"Tier number from the tier name\" fails for ")
                .contains("NumberFormatException"));
    }

    @Test
    void theReportIsTheSameOnOneThreadAndOnFour(@TempDir Path dir) throws Exception {
        packWith(dir, "overlap.drl");
        Path drl = dir.resolve("classification.drl");
        removeRule(drl, "Medium risk by default");
        edit(drl, "$healthScore : score >= $mediumMin,", "$healthScore : score >= $mediumMin + 5,");
        List<ScenarioRunner.Scenario> scenarios = ScenarioRunner.readAll(PACK.resolve("scenarios"));
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));

        TotalityLint.Report oneThread = TotalityLint.run(engine, scenarios, 1);
        assertThat(oneThread.problems()).hasSizeGreaterThanOrEqualTo(3)
                .anySatisfy(p -> assertThat(p).contains(": gap: no rule gives RiskTier"))
                .anySatisfy(p -> assertThat(p).contains(": gap: no rule gives HealthBand"))
                .anySatisfy(p -> assertThat(p).contains(": overlap: 2 x ValueTier"));
        assertThat(TotalityLint.run(engine, scenarios, 4)).isEqualTo(oneThread);
    }

    @Test
    void aFailingRuleStopsTheLintAfterTheSameExamplesOnOneThreadAndOnFour(@TempDir Path dir) throws Exception {
        packWith(dir, "self-retrigger.drl");
        List<ScenarioRunner.Scenario> scenarios = ScenarioRunner.readAll(PACK.resolve("scenarios"));
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));

        TotalityLint.Report oneThread = TotalityLint.run(engine, scenarios, 1);
        assertThat(oneThread.problems()).isNotEmpty();
        assertThat(TotalityLint.run(engine, scenarios, 4)).isEqualTo(oneThread);
    }
}
