package io.pulse.rules.sandbox;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules are code that runs inside the job, so the pack may only use the fact model and a small set
 * of value operations: no files, network, processes, reflection, class loading, threads, clocks,
 * randomness or JVM-wide state ({@link SandboxPolicy}). Two checks, both reporting
 * {@code file:line: message}:
 *
 * <ol>
 *   <li>{@link #checkSource} on the DRL text, before compiling: imports, globals and function imports
 *       from Drools' parse; every class named anywhere in the rules (simple, imported or fully
 *       qualified names), reflective members, loop keywords and unicode escapes, from a scan of the
 *       text without comments and string literals. It names the line of what it refuses.
 *   <li>{@link #checkGenerated} on every class Drools' executable model generated for the pack
 *       (conditions, from, accumulate, salience, queries, functions, then parts): every type, method
 *       and field they use must be on the allow-list, whatever the spelling; loops and recursion
 *       are refused. This is the check nothing gets around: no rule code runs that it did not see.
 * </ol>
 */
public final class RuleSandbox {
    private RuleSandbox() {}

    /** Problems in the DRL text of every file of the pack ({@link SourceScan}). */
    public static List<Problem> checkSource(DrlSource source, ClassLoader classLoader) {
        return SourceScan.check(source, classLoader);
    }

    /**
     * Problems in every class the executable model generated for the pack ({@link BytecodeScan}).
     *
     * @param classes internal name to bytes
     * @param skipped classes Drools generates from the module descriptor, without rule text
     * @param classLoader loads the fact classes
     */
    public static List<Problem> checkGenerated(Map<String, byte[]> classes, Set<String> skipped, DrlSource source,
                                               ClassLoader classLoader) {
        return BytecodeScan.check(classes, skipped, source, classLoader);
    }
}
