package io.pulse.rules.engine;

import io.pulse.rules.facts.Subscription;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.pulse.testing.RulePackFixtures.AS_OF;
import static io.pulse.testing.RulePackFixtures.account;
import static io.pulse.testing.RulePackFixtures.edit;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static io.pulse.testing.RulePackFixtures.population;
import static io.pulse.testing.RulePackFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A pack's features.yaml: compiled into a Features fact the rules read, checked like the DRL. */
class DeclaredFeaturesTest {
    private static Path packWithDeclaredFeatures(Path dir) throws IOException {
        return RulePackFixtures.packWithDeclaredFeatures(dir, false);
    }

    private static CustomerFacts newContract(Map<String, Object> declared) {
        Subscription s = new Subscription();
        s.setCustomerId("acme.example");
        s.setPlanName("Scale");
        s.setSeats(20);
        s.setMonthlySpend(500);
        s.setSegment("new_contract");
        return new CustomerFacts(account("acme.example"), profile("acme.example"), s, null, null,
                PreviousEvaluation.NONE, declared);
    }

    @Test
    void aRuleReadsDeclaredFeaturesAsTypedFieldsAndTheReasonsShowTheirValues(@TempDir Path dir) throws Exception {
        RuleEngine engine = RuleEngine.compile(RuleSet.load(packWithDeclaredFeatures(dir)));
        assertThat(engine.declaredFeatures().features()).hasSize(2);

        CustomerEvaluation stalled = engine.evaluate(newContract(
                Map.of("distinctFeaturesUsed14d", 2, "implementationConversations45d", 3)), population(), AS_OF);
        assertThat(stalled.recommendation("ONBOARDING_RESCUE")).isNotNull();
        assertThat(stalled.recommendation("ONBOARDING_RESCUE").getReasons())
                .contains("Onboarding stall: few features used and implementation questions",
                        "\"distinctFeaturesUsed14d\":2", "\"implementationConversations45d\":3");

        CustomerEvaluation busy = engine.evaluate(newContract(
                Map.of("distinctFeaturesUsed14d", 5, "implementationConversations45d", 3)), population(), AS_OF);
        assertThat(busy.recommendation("ONBOARDING_RESCUE")).isNull();
        CustomerEvaluation unset = engine.evaluate(newContract(Map.of()), population(), AS_OF);
        assertThat(unset.recommendation("ONBOARDING_RESCUE")).as("0 implementation conversations when not given").isNull();
    }

    @Test
    void aMisspeltFeatureIsACompileErrorAtItsLine(@TempDir Path dir) throws Exception {
        packWithDeclaredFeatures(dir);
        Path drl = dir.resolve("onboarding.drl");
        edit(drl, "implementationConversations45d : implementationConversations45d >= 2",
                "implementationConversations45d : implementationConversation45d >= 2");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> RuleEngine.compile(RuleSet.load(dir)));
        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p)
                .startsWith("onboarding.drl:" + lineOf(drl, "Features(") + ": ")); // the pattern's line
        assertThat(String.join("\n", e.problems())).contains("implementationConversation45d");
    }

    @Test
    void aBrokenDeclarationIsACompileErrorOfFeaturesYamlAtItsLine(@TempDir Path dir) throws Exception {
        packWithDeclaredFeatures(dir);
        Path yaml = dir.resolve("features.yaml");
        edit(yaml, "window_days: 14", "window_days: 400");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> RuleEngine.compile(RuleSet.load(dir)));
        assertThat(e.problems()).contains("features.yaml:" + lineOf(yaml, "window_days: 400")
                + ": feature \"distinctFeaturesUsed14d\": window_days must be a whole number of days from 1 to 90"
                + " (how long Pulse keeps each customer's rows), not 400");
    }

    @Test
    void theFeaturesFileIsPartOfThePackAndItsVersion(@TempDir Path dir) throws Exception {
        RuleSet with = RuleSet.load(packWithDeclaredFeatures(dir));
        assertThat(with.files()).containsKey("features.yaml");
        String before = with.version();
        edit(dir.resolve("features.yaml"), "window_days: 14", "window_days: 21");
        assertThat(RuleSet.load(dir).version()).isNotEqualTo(before);
    }
}
