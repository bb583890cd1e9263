package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import io.pulse.bench.FactsCorpus;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How fast the rule pack compiles (cold: first in the JVM; warm: again) and evaluates on one
 * thread: either a deterministic mix of 10,000 customers covering every tier, band and size
 * (accounts and profiles only), or, given a history, the evaluations a replay of it runs (every
 * {@code -DkeepEvery=4}th, with support, subscription and plan-change facts; see
 * {@link FactsCorpus}). Prints wall time and the thread's CPU time per evaluation (the CPU figure
 * holds on a shared machine). Not a unit test: run it by hand.
 *
 * <pre>
 * ./mvnw -q -o test-compile
 * java -cp target/test-classes:target/classes:$(cat target/pulse.classpath) io.pulse.rules.engine.RuleEngineBenchmark [rules-dir] [seconds-per-round] [history.sqlite]
 * </pre>
 */
public final class RuleEngineBenchmark {
    private static final String[] SEGMENTS = {"Enterprise", "Large", "Mid-Market", "Small Business"};
    private static final String[] TIERS = {"Basic", "Bronze", "Silver", "Gold", "Platinum"};
    private static final double[] TIER_LTV = {1_700, 5_000, 10_000, 21_000, 42_000};
    private static final String[] RISK = {"Very Low", "Low", "Medium", "High", "High Activity Risk", "Critical"};
    private static final String[] VELOCITY = {"Accelerating", "Stable", "Volatile", "Declining", "Stagnant"};

    private static final int ROUNDS = Integer.getInteger("rounds", 4);

    private RuleEngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "rules");
        double secondsPerRound = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        RuleSet rules = RuleSet.load(dir);

        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long c0 = cpu.getCurrentThreadCpuTime();
        RuleEngine engine = RuleEngine.compile(rules);
        System.out.printf("compile, cold (first in this JVM): %6.0f ms (this thread's CPU: %.0f ms)%n",
                (System.nanoTime() - t0) / 1e6, (cpu.getCurrentThreadCpuTime() - c0) / 1e6);
        for (int i = 1; i <= 5; i++) {
            long t = System.nanoTime();
            long c = cpu.getCurrentThreadCpuTime();
            engine = RuleEngine.compile(rules);
            System.out.printf("compile, warm #%d:                 %6.0f ms (this thread's CPU: %.0f ms)%n", i,
                    (System.nanoTime() - t) / 1e6, (cpu.getCurrentThreadCpuTime() - c) / 1e6);
        }

        List<FactsCorpus.Evaluation> corpus = args.length > 2
                ? FactsCorpus.read("jdbc:sqlite:" + args[2], engine, Integer.getInteger("keepEvery", 4))
                : mixedCustomers(10_000);
        int n = corpus.size();
        String what = args.length > 2 ? "evaluations replayed from " + args[2] : "mixed customers";

        System.out.printf("evaluate, 1 thread, %,d %s, %.0f s per round:%n", n, what, secondsPerRound);
        for (int round = 1; round <= ROUNDS; round++) {
            long start = System.nanoTime();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            long deadline = start + (long) (secondsPerRound * 1e9);
            long evaluations = 0;
            long recommendations = 0;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 1_000; i++) {
                    FactsCorpus.Evaluation e = corpus.get((int) (evaluations % n));
                    recommendations += engine.evaluate(e.facts(), e.population(), e.asOf()).recommendations().size();
                    evaluations++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf("  round %d%s: %,9.0f evaluations/s (%.1f us each); CPU time %.1f us each = %,.0f/s"
                            + " per busy thread; %.2f recommendations each%n", round, round == 1 ? " (warm-up)" : "",
                    evaluations / seconds, seconds * 1e6 / evaluations, cpuSeconds * 1e6 / evaluations,
                    evaluations / cpuSeconds, (double) recommendations / evaluations);
        }
    }

    /** A deterministic mix of accounts and profiles only (no support, subscription or plan change). */
    private static List<FactsCorpus.Evaluation> mixedCustomers(int n) {
        Random random = new Random(42);
        Population population = RulePackFixtures.population(); // the same tier averages as TIER_LTV
        List<FactsCorpus.Evaluation> corpus = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = "customer-" + i + ".example";
            corpus.add(new FactsCorpus.Evaluation(CustomerFacts.of(account(id, random), profile(id, random)),
                    population, i));
        }
        return corpus;
    }

    private static Account account(String id, Random r) {
        Account a = new Account();
        a.setCustomerId(id);
        a.setSizeSegment(SEGMENTS[r.nextInt(SEGMENTS.length)]);
        a.setEmployees(10 + (long) Math.pow(50_000, r.nextDouble()));
        a.setAnnualRevenue(1e6 * Math.pow(10_000, r.nextDouble()));
        a.setTotalWonAmount(1e9 * r.nextDouble() * r.nextDouble());
        a.setPipelineAmount(1e9 * r.nextDouble() * r.nextDouble());
        a.setTotalContacts(r.nextInt(40));
        a.setContactsWithEmail(a.getTotalContacts() == 0 ? 0 : r.nextInt(a.getTotalContacts() + 1));
        a.setDaysSinceLastActivity(r.nextInt(118));
        a.setActivities30d(r.nextInt(481));
        return a;
    }

    private static CustomerProfile profile(String id, Random r) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(id);
        int tier = r.nextInt(TIERS.length);
        p.setCustomerTier(TIERS[tier]);
        p.setEstimatedLtv(TIER_LTV[tier] * (0.5 + r.nextDouble()));
        p.setMonetaryScore(1 + r.nextInt(5));
        p.setActivityRiskLevel(RISK[r.nextInt(RISK.length)]);
        p.setEngagementVelocity(VELOCITY[r.nextInt(VELOCITY.length)]);
        return p;
    }
}
