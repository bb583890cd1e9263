package io.pulse.rules.sandbox;

import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.engine.RuleEvaluationException;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import static io.pulse.testing.RulePackFixtures.AS_OF;
import static io.pulse.testing.RulePackFixtures.account;
import static io.pulse.testing.RulePackFixtures.copyOfPack;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static io.pulse.testing.RulePackFixtures.population;
import static io.pulse.testing.RulePackFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pulse.rules.facts.CustomerProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox: a pack that reaches outside the fact model and the allowed value types, or loops,
 * does not compile, with {@code file:line: message} at the offending line; and at run time a rule
 * that re-triggers itself or throws is stopped and named. Each broken pack is the shipped pack
 * plus one file from {@code src/test/resources/broken-packs}.
 */
public class RuleSandboxTest {
    static final Path BROKEN = Path.of("src/test/resources/broken-packs");

    /** The shipped pack plus {@code broken-packs/<file>}, in {@code dir}. */
    public static Path packWith(Path dir, String file) throws IOException {
        copyOfPack(dir);
        Files.copy(BROKEN.resolve(file), dir.resolve(file));
        return dir;
    }

    private static List<String> problems(Path dir) throws IOException {
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> RuleEngine.compile(RuleSet.load(dir)));
        assertThat(e).as("the pack must be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void theShippedPackIsInsideTheSandbox() throws Exception {
        assertThat(RuleEngine.compile(RuleSet.load(RulePackFixtures.PACK)).ruleNames()).isNotEmpty();
    }

    @Test
    void aForbiddenImportIsRejectedAtItsLine(@TempDir Path dir) throws IOException {
        packWith(dir, "forbidden-import.drl");
        Path drl = dir.resolve("forbidden-import.drl");
        assertThat(problems(dir)).anySatisfy(p -> assertThat(p)
                .startsWith("forbidden-import.drl:" + lineOf(drl, "import java.io.File") + ": ")
                .contains("import java.io.File is not allowed in rules", "io.pulse.rules.facts"));
    }

    @Test
    void aFullyQualifiedRuntimeCallInAThenPartIsRejectedInTheTextAndInTheBytecode(@TempDir Path dir) throws IOException {
        packWith(dir, "runtime-exec.drl");
        String at = "runtime-exec.drl:" + lineOf(dir.resolve("runtime-exec.drl"), "java.lang.Runtime") + ": ";
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("java.lang.Runtime is not allowed in rules"))
                .anySatisfy(p -> assertThat(p).startsWith(at)
                        .contains("in rule \"Notify ops by a shell command\": java.lang.Runtime.getRuntime is not allowed"));
    }

    @Test
    void reflectionIsRejected(@TempDir Path dir) throws IOException {
        packWith(dir, "reflection.drl");
        String at = "reflection.drl:" + lineOf(dir.resolve("reflection.drl"), "getDeclaredField") + ": ";
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("\"$p.getClass\" is not allowed in rules: reflection"))
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("in rule \"Read a private field\"", "getClass"));
    }

    @Test
    void aForbiddenTypeReachedWithoutNamingItIsCaughtInTheBytecode(@TempDir Path dir) throws IOException {
        packWith(dir, "hidden-stream.drl");
        String at = "hidden-stream.drl:" + lineOf(dir.resolve("hidden-stream.drl"), ".stream()") + ": ";
        // The call that leads there is not on the allow-list, and neither is the type it reaches.
        assertThat(problems(dir)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("in rule \"Count something through a stream\": "
                        + "java.util.List.stream is not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("java.util.stream.Stream.count is not allowed"));
    }

    @Test
    void aLoopInAThenPartIsRejected(@TempDir Path dir) throws IOException {
        packWith(dir, "while-loop.drl");
        String at = "while-loop.drl:" + lineOf(dir.resolve("while-loop.drl"), "while (") + ": ";
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith(at).contains("loops are not allowed in rules", "(\"while\")"))
                .anySatisfy(p -> assertThat(p).startsWith(at)
                        .contains("in rule \"Wait for the score to change\": loops are not allowed in rules"));
    }

    @Test
    void globalsFunctionImportsAndWallClockAreRejected(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;
                global java.util.List seen;

                rule "Stamp with the wall clock"
                when
                    $p : CustomerProfile()
                then
                    java.time.Instant stamp = java.time.Instant.now();
                end
                """);
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:3: global java.util.List seen is not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:9: ")
                        .contains("java.time.Instant.now is not allowed in rules: the wall clock"));
    }

    @Test
    void mvelThenPartsAreRejectedAndAnImportInsideOneIsStillChecked(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;

                rule "Delete a file the MVEL way"
                    dialect "mvel"
                when
                    $p : CustomerProfile( customerTier#String != null )
                then
                    import java.nio.file.Files;
                    Files.delete(Paths.get("/tmp/x"));
                end
                """);
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:4: in rule \"Delete a file the MVEL way\": "
                        + "dialect \"mvel\" is not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:9: java.nio.file.Files is not allowed in rules"));
    }

    @Test
    void aFunctionIsCheckedLikeAThenPart(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;

                function String region(String id) {
                    return id + java.lang.System.getenv("REGION");
                }

                rule "Tag the region"
                when
                    $p : CustomerProfile()
                then
                    String r = region($p.getCustomerId());
                end
                """);
        assertThat(problems(dir))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:5: java.lang.System is not allowed in rules"))
                .anySatisfy(p -> assertThat(p).startsWith("extra.drl:4: in function region: java.lang.System.getenv is not allowed"));
    }

    @Test
    void commentsAndTextInStringsAreNotCode(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;

                // while we wait for java.io.File support, do nothing; System.exit is not for rules
                rule "Talk about System.exit while looping for a File"
                when
                    CustomerProfile( customerTier == "java.lang.Runtime while" )
                then
                    String s = "Runtime.getRuntime() for a while"; /* Class.forName */
                end
                """);
        assertThat(RuleEngine.compile(RuleSet.load(dir)).ruleNames()).contains("Talk about System.exit while looping for a File");
    }

    @Test
    void everydayRuleCodeIsAllowed(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;
                import io.pulse.rules.facts.Account;
                import java.time.Duration;
                import java.util.ArrayList;
                import java.util.List;

                rule "Everyday then-part code"
                    no-loop true
                when
                    $p : CustomerProfile( monetaryScore >= 1, customerTier != null )
                    $a : Account( $days : daysSinceLastActivity )
                then
                    List<String> notes = new ArrayList<>();
                    notes.add(drools.getRule().getName() + ": " + $p.getCustomerTier().toLowerCase(java.util.Locale.ROOT));
                    notes.add(Math.round(Math.max(0.0, $days / 7.0) * 100) / 100.0 + " weeks");
                    long hours = Duration.ofDays(Math.max(0, $days)).toHours();
                    java.time.LocalDate due = java.time.LocalDate.of(2025, 1, 1).plusDays(hours / 24);
                    String who = kcontext.getRule().getName();
                    modify($p) { setMonetaryScore(Math.min(5, $p.getMonetaryScore())) }
                    update($a);
                end
                """);
        assertThat(RuleEngine.compile(RuleSet.load(dir)).ruleNames()).contains("Everyday then-part code");
    }

    /** What an analyst writes in conditions passes the allow-list: accumulate, from, operators, dates, a query. */
    @Test
    void everydayConditionsAreAllowed(@TempDir Path dir) throws Exception {
        copyOfPack(dir);
        Files.writeString(dir.resolve("extra.drl"), """
                package pulse.rules;
                import io.pulse.rules.facts.CustomerProfile;
                import io.pulse.rules.facts.Account;
                import java.time.LocalDate;
                import java.util.List;
                import java.util.Locale;

                rule "Everyday conditions"
                when
                    $p : CustomerProfile( customerTier in ("Gold", "Platinum"), customerId str[startsWith] "C",
                                          customerTier.toLowerCase(Locale.ROOT) != "x", Math.abs(monetaryScore) >= 0 )
                    $total : Number( doubleValue >= 0 ) from accumulate( Account( $d : daysSinceLastActivity ), sum( $d ) )
                    $n : Number() from accumulate( Account(), count( 1 ) )
                    $avg : Number() from accumulate( Account( $d2 : daysSinceLastActivity ), average( $d2 ) )
                    $tag : String( length > 0 ) from List.of("renewal", "churn-watch")
                    eval( LocalDate.of(2025, 1, 1).plusDays($n.longValue()).isAfter(LocalDate.of(2024, 12, 31)) )
                then
                end

                query "Gold customers"
                    CustomerProfile( customerTier == "Gold", $id : customerId )
                end
                """);
        assertThat(RuleEngine.compile(RuleSet.load(dir)).ruleNames()).contains("Everyday conditions");
    }

    // ---- at run time ----------------------------------------------------------------------------

    @Test
    void aRuleThatReTriggersItselfIsStoppedAtTheFiringCapAndNamed(@TempDir Path dir) throws Exception {
        RuleEngine engine = RuleEngine.compile(RuleSet.load(packWith(dir, "self-retrigger.drl")));
        assertThat(engine.maxFirings()).isEqualTo(RuleEngine.DEFAULT_MAX_FIRINGS);
        RuleEvaluationException e = catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("loop.example"), profile("loop.example"), population(), AS_OF));
        assertThat(e.customerId()).isEqualTo("loop.example");
        assertThat(e.rule()).isEqualTo("Touch the profile on every evaluation");
        assertThat(e).hasMessageContaining("stopped after 1000 rule firings");
        // the engine is usable afterwards, and the cap is per evaluation
        assertThat(catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("next.example"), profile("next.example"), population(), AS_OF)).rule())
                .isEqualTo("Touch the profile on every evaluation");
    }

    @Test
    void theFiringCapIsSetInParameters(@TempDir Path dir) throws Exception {
        packWith(dir, "self-retrigger.drl");
        Path parameters = dir.resolve("parameters.json");
        String json = Files.readString(parameters).strip();
        Files.writeString(parameters, json.substring(0, json.length() - 1).stripTrailing()
                + ",\n  \"engine\": { \"maxFiringsPerEvaluation\": 50 }\n}\n");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        assertThat(engine.maxFirings()).isEqualTo(50);
        assertThat(catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("a.example"), profile("a.example"), population(), AS_OF)))
                .hasMessageContaining("stopped after 50 rule firings");

        Files.writeString(parameters, Files.readString(parameters).replace("50 }", "0 }"));
        assertThat(problems(dir)).anySatisfy(p -> assertThat(p)
                .startsWith("parameters.json:" + lineOf(parameters, "maxFiringsPerEvaluation") + ": ")
                .contains("engine.maxFiringsPerEvaluation must be a whole number of at least 1"));
    }

    @Test
    void aRuleThatThrowsIsNamedWithTheCustomer(@TempDir Path dir) throws Exception {
        RuleEngine engine = RuleEngine.compile(RuleSet.load(packWith(dir, "throwing-rule.drl")));
        CustomerProfile p = profile("throws.example");
        RuleEvaluationException e = catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("throws.example"), p, population(), AS_OF));
        assertThat(e.rule()).isEqualTo("Tier number from the tier name");
        assertThat(e).hasMessageContaining("customer throws.example")
                .hasMessageContaining("rule \"Tier number from the tier name\" failed")
                .hasMessageContaining("NumberFormatException");
    }
}
