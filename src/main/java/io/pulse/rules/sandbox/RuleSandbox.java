package io.pulse.rules.sandbox;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kie.api.KieBase;

/**
 * Rules are code that runs inside the job, so the pack may only use the fact model and a small set
 * of value types: no files, network, processes, reflection, class loading, threads, clocks or
 * {@code System}. Two checks, both reporting {@code file:line: message}:
 *
 * <ol>
 *   <li>{@link #checkSource} on the DRL text, before compiling: imports, globals and function imports
 *       from Drools' parse; every class named anywhere in the rules (conditions, then parts,
 *       functions, declared types; simple, imported or fully qualified names), reflective members
 *       and loop keywords, from a scan of the text without comments and string literals. This
 *       covers what is never compiled to Java bytecode (conditions and {@code dialect "mvel"}
 *       code are run by MVEL).
 *   <li>{@link #checkCompiled} on the Java classes Drools generated for the then parts, evals and
 *       functions (the bytes in the package's {@code JavaDialectRuntimeData} store): every class,
 *       method and field they use must be allowed, whatever the spelling, and a backward jump (a
 *       loop) is refused. Drools' own invoker classes, generated from its templates without rule
 *       text, are not checked.
 * </ol>
 */
public final class RuleSandbox {
    private RuleSandbox() {}

    /** Problems in the DRL text of every file of the pack ({@link SourceScan}). */
    public static List<Problem> checkSource(DrlSource source, ClassLoader classLoader) {
        return SourceScan.check(source, classLoader);
    }

    /** Problems in the classes Drools generated for the pack's then parts, evals and functions ({@link BytecodeScan}). */
    public static List<Problem> checkCompiled(KieBase kieBase, DrlSource source) {
        return BytecodeScan.check(kieBase, source);
    }

    /**
     * Spike of #23: problems in every class the executable model generated for the pack (internal
     * name to bytes), conditions and all ({@link GeneratedBytecodeScan}).
     */
    public static List<Problem> checkGenerated(Map<String, byte[]> classes, Set<String> skipped, DrlSource source) {
        return GeneratedBytecodeScan.check(classes, skipped, source);
    }
}
