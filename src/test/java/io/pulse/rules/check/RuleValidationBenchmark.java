package io.pulse.rules.check;

import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandbox;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * What validation costs: the compile with its sandbox checks (cold, first in the JVM, and warm),
 * the sandbox's check of the DRL text on its own, and the totality lint of {@code pulse rules validate}. Prints wall
 * time and the thread's CPU time (on a busy machine the CPU time is the steadier figure). Not a
 * unit test: run it by hand.
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -cp target/test-classes:target/classes:$(cat target/pulse.classpath) io.pulse.rules.check.RuleValidationBenchmark [rules-dir]
 * </pre>
 */
public final class RuleValidationBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RuleValidationBenchmark() {}

    /** Something to time, that returns a value to print. */
    private interface Step {
        Object run() throws Exception;
    }

    private static Object time(String what, Step step) throws Exception {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        Object result = step.run();
        System.out.printf("%-44s %7.0f ms wall %7.0f ms CPU   %s%n", what, (System.nanoTime() - wall) / 1e6,
                (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6, result == null ? "" : result);
        return result;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "rules");
        RuleSet rules = RuleSet.load(dir);
        RuleEngine engine = (RuleEngine) time("compile + sandbox, cold (first in the JVM)", () -> RuleEngine.compile(rules));
        for (int i = 1; i <= 3; i++) {
            time("compile + sandbox, warm #" + i, () -> RuleEngine.compile(rules));
        }
        for (int i = 1; i <= 3; i++) {
            DrlSource source = (DrlSource) time("  parse the DRL (sandbox input) #" + i, () -> DrlSource.parse(rules.files()));
            time("  sandbox: the DRL text #" + i,
                    () -> RuleSandbox.checkSource(source, RuleEngine.class.getClassLoader()).size() + " problems");
        }
        for (int i = 1; i <= 4; i++) {
            time("totality lint #" + i + (i == 1 ? " (cold)" : ""), () -> {
                TotalityLint.Report r = TotalityLint.run(engine, dir.resolve("scenarios"));
                return r.customers() + " customers from " + r.scenarios() + " scenarios, " + r.problems().size() + " problems";
            });
        }
    }
}
