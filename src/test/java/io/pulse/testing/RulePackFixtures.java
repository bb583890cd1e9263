package io.pulse.testing;

import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.features.PeriodFeatures;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.SupportActivity;
import java.util.Map;
import java.util.HashMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Test vocabulary for the rule pack: the shipped pack compiled once per JVM, a population like
 * the analysis's, and an account and a profile to start from (then change what the test is about).
 */
public final class RulePackFixtures {
    /** The shipped rule pack, as the Flink job loads it. */
    public static final Path PACK = Path.of("rules");
    public static final long AS_OF = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    public static final long HOUR = 3_600_000L;

    private static RuleEngine shipped;

    private RulePackFixtures() {}

    /** The shipped pack, compiled once (compiling costs seconds cold; evaluating, microseconds). */
    public static synchronized RuleEngine shippedEngine() {
        if (shipped == null) {
            try {
                shipped = RuleEngine.compile(RuleSet.load(PACK));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuleCompilationException e) {
                throw new AssertionError("the shipped rule pack does not compile:\n" + e.getMessage(), e);
            }
        }
        return shipped;
    }

    /** Revenue 1M..10B, won up to 1B, 10..50,000 employees; tier averages as in the analysis. */
    public static Population population() {
        Population p = new Population();
        p.setAsOf(AS_OF);
        p.setCustomers(2000);
        p.setAverageLtvByTier(new HashMap<>(Map.of("Basic", 1_700.0, "Bronze", 5_000.0, "Silver", 10_000.0,
                "Gold", 21_000.0, "Platinum", 42_000.0)));
        p.setAverageEngagementScore(7.96);
        p.setAnnualRevenueMin(1e6);
        p.setAnnualRevenueMax(1e10);
        p.setTotalWonMax(1e9);
        p.setEmployeesMin(10);
        p.setEmployeesMax(50_000);
        return p;
    }

    /** A moderately active Mid-Market account: health score 55.38, Medium band. */
    public static Account account(String customerId) {
        Account a = new Account();
        a.setCustomerId(customerId);
        a.setAccountName("Acme");
        a.setIndustry("Technology");
        a.setSizeSegment("Mid-Market");
        a.setEmployees(2_000);
        a.setAnnualRevenue(1e9);
        a.setTotalWonAmount(1e8);
        a.setPipelineAmount(5e7);
        a.setTotalContacts(10);
        a.setContactsWithEmail(9);
        a.setDaysSinceLastActivity(20);
        a.setActivities30d(120);
        return a;
    }

    /** A Gold customer at its tier's average LTV, monetary score 3, Medium/Stable: Mid value, Medium risk. */
    public static CustomerProfile profile(String customerId) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        p.setCustomerTier("Gold");
        p.setEstimatedLtv(21_000);
        p.setMonetaryScore(3);
        p.setActivityRiskLevel("Medium");
        p.setEngagementVelocity("Stable");
        return p;
    }

    /** A copy of the shipped pack (rule files and parameters) in {@code dir}, to break or change. */
    /** Complete features of a customer: {@link #account}, {@link #profile}, no support activity. */
    public static PeriodFeatures features(String customerId, long asOf) {
        PeriodFeatures f = new PeriodFeatures();
        f.customerId = customerId;
        f.asOf = asOf;
        f.account = account(customerId);
        f.profile = profile(customerId);
        f.support = new SupportActivity();
        return f;
    }

    /** The onboarding-rescue example of the rule pack's tutorial: features, rule and scenarios. */
    public static final Path DECLARED_FEATURES_EXAMPLE = PACK.resolve("examples/onboarding-rescue");
    /** A rule that shows every customer's declared features in its reasons (tests only). */
    private static final Path FEATURE_PROBE = Path.of("src/test/resources/declared-features/probe.drl.txt");

    /**
     * A copy of the shipped pack in {@code dir} with the onboarding-rescue example added: its
     * features.yaml, its rule, its scenarios and its action's terms; and, with {@code probe}, a rule that shows
     * every customer's declared features in the reasons of a FEATURE_PROBE opportunity.
     */
    public static Path packWithDeclaredFeatures(Path dir, boolean probe) throws IOException {
        copyOfPack(dir);
        return addDeclaredFeatures(dir, probe);
    }

    /** Adds the onboarding-rescue example (and the probe) to the pack in {@code dir}, as {@link #packWithDeclaredFeatures}. */
    public static Path addDeclaredFeatures(Path dir, boolean probe) throws IOException {
        Files.copy(DECLARED_FEATURES_EXAMPLE.resolve("features.yaml"), dir.resolve("features.yaml"));
        Path scenarios = dir.resolve("scenarios");
        if (!Files.isDirectory(scenarios)) { // the lint starts from the scenarios: the shipped ones, and the example's
            Files.createDirectories(scenarios);
            try (var shipped = Files.list(PACK.resolve("scenarios"))) {
                for (Path f : (Iterable<Path>) shipped::iterator) {
                    Files.copy(f, scenarios.resolve(f.getFileName()));
                }
            }
        }
        Files.copy(DECLARED_FEATURES_EXAMPLE.resolve("scenarios/onboarding.json"), scenarios.resolve("onboarding.json"));
        String terms = "\"RED_ALERT\":            { \"priority\": 1, \"slaHours\": 24 },";
        edit(dir.resolve("parameters.json"), terms, terms
                + "\n    \"ONBOARDING_RESCUE\":    { \"priority\": 1, \"slaHours\": 48 },"
                + (probe ? "\n    \"FEATURE_PROBE\":        { \"priority\": 5, \"slaHours\": 720 }," : ""));
        if (probe) {
            Files.copy(FEATURE_PROBE, dir.resolve("probe.drl"));
        }
        // Last: the rule that needs the features and the action's terms above.
        Files.copy(DECLARED_FEATURES_EXAMPLE.resolve("onboarding.drl"), dir.resolve("onboarding.drl"));
        return dir;
    }

    public static Path copyOfPack(Path dir) throws IOException {
        for (String name : RuleSet.load(PACK).files().keySet()) {
            Files.copy(PACK.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    /** Replaces exactly one occurrence of {@code from} in a file of the copied pack. */
    public static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new AssertionError("expected exactly one \"" + from + "\" in " + file);
        }
        Files.writeString(file, text.substring(0, at) + to + text.substring(at + from.length()));
    }

    /** Removes the rule whose name starts with {@code namePrefix} from a file of the copied pack. */
    public static void removeRule(Path file, String namePrefix) throws IOException {
        String text = Files.readString(file);
        int start = text.indexOf("rule \"" + namePrefix);
        if (start < 0) {
            throw new AssertionError("no rule \"" + namePrefix + "...\" in " + file);
        }
        Files.writeString(file, text.substring(0, start) + text.substring(text.indexOf("\nend", start) + 4));
    }

    /** 1-based line of the first line containing {@code marker} in a file. */
    public static int lineOf(Path file, String marker) throws IOException {
        var lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i + 1;
            }
        }
        throw new AssertionError("no \"" + marker + "\" in " + file);
    }
}
