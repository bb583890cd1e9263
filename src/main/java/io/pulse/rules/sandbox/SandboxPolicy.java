package io.pulse.rules.sandbox;

import java.util.Map;
import java.util.Set;

/**
 * What rule code may use: the fact model and a small set of JDK value types, minus members that
 * reach reflection, threads, the wall clock or randomness; no loops. Both scans judge by it.
 */
final class SandboxPolicy {
    /** The documented fact model and its helpers: every class in it may be used. */
    static final String FACT_PACKAGE = "io.pulse.rules.facts.";

    /** Value types of the JDK a rule may use (class names as {@link Class#getName()}). */
    static final Set<String> VALUE_TYPES = Set.of(
            "java.lang.Object", "java.lang.String", "java.lang.CharSequence", "java.lang.StringBuilder",
            "java.lang.Math", "java.lang.StrictMath", "java.lang.Number", "java.lang.Integer", "java.lang.Long",
            "java.lang.Double", "java.lang.Float", "java.lang.Short", "java.lang.Byte", "java.lang.Boolean",
            "java.lang.Character", "java.lang.Comparable", "java.lang.Iterable",
            "java.lang.Exception", "java.lang.RuntimeException", "java.lang.IllegalArgumentException",
            "java.lang.IllegalStateException", "java.lang.ArithmeticException",
            "java.math.BigDecimal", "java.math.BigInteger", "java.math.RoundingMode", "java.math.MathContext",
            "java.util.List", "java.util.ArrayList", "java.util.LinkedList", "java.util.Map", "java.util.Map$Entry",
            "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.SortedMap",
            "java.util.Set", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.SortedSet",
            "java.util.Collection", "java.util.Collections", "java.util.Arrays", "java.util.Objects",
            "java.util.Optional", "java.util.Iterator", "java.util.Comparator", "java.util.Locale",
            "java.util.StringJoiner");

    /** Whole JDK packages of value types (java.time without its Clock: rules run in event time). */
    static final Set<String> VALUE_PACKAGES = Set.of("java.time.", "java.time.format.", "java.time.temporal.",
            "java.util.function.");

    /** Members refused on any type: reflection and class loading, monitors, and sources of non-determinism. */
    static final Map<String, String> DENIED_MEMBERS = Map.ofEntries(
            Map.entry("getClass", "reflection"), Map.entry("class", "reflection"), Map.entry("forName", "reflection"),
            Map.entry("getClassLoader", "class loading"), Map.entry("getContextClassLoader", "class loading"),
            Map.entry("loadClass", "class loading"), Map.entry("newInstance", "reflection"),
            Map.entry("getDeclaredMethod", "reflection"), Map.entry("getMethod", "reflection"),
            Map.entry("getDeclaredField", "reflection"), Map.entry("setAccessible", "reflection"),
            Map.entry("wait", "threads"), Map.entry("notify", "threads"), Map.entry("notifyAll", "threads"),
            Map.entry("now", "the wall clock: rules run in event time"),
            Map.entry("random", "randomness: the same facts must give the same result"),
            Map.entry("shuffle", "randomness: the same facts must give the same result"),
            Map.entry("setDefault", "JVM-wide state: it would change every other rule and the job around them"),
            Map.entry("getInteger", "JVM-wide state: it reads the system properties"),
            Map.entry("getLong", "JVM-wide state: it reads the system properties"),
            Map.entry("getBoolean", "JVM-wide state: it reads the system properties"),
            Map.entry("repeat", "an allocation whose size the rule chooses"));

    /**
     * Facts one object of which every customer's evaluation shares: a rule reads them and may not
     * change them (their setters exist for the job's serializer, not for rules).
     */
    static final Set<String> SHARED_FACTS = Set.of(FACT_PACKAGE + "Population", FACT_PACKAGE + "Parameters");

    static final String SHARED_FACT_CHANGED =
            "is shared by every customer's evaluation: rules read it and may not change it";

    /** Loops: refused in the text (MVEL code has no bytecode to check). */
    static final Set<String> LOOP_KEYWORDS = Set.of("while", "for", "foreach", "do", "until");

    static final String LOOP =
            "loops are not allowed in rules: a rule handles one customer's facts; write one rule per case instead";

    private SandboxPolicy() {}

    /** Whether a call of {@code method} on {@code className} changes a fact every customer shares. */
    static boolean changesSharedFact(String className, String method) {
        String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        return SHARED_FACTS.contains(outer) && method.startsWith("set");
    }

    /** Whether rules may use the class of that name. */
    static boolean allowed(String className) {
        if (className.startsWith(FACT_PACKAGE) || VALUE_TYPES.contains(className)) {
            return true;
        }
        if (className.equals("java.time.Clock") || className.equals("java.time.InstantSource")) {
            return false;
        }
        String pkg = className.substring(0, className.lastIndexOf('.') + 1);
        return VALUE_PACKAGES.contains(pkg);
    }

    static String allowedSummary() {
        return "the fact model (" + FACT_PACKAGE + "*)"
                + " and value types (java.lang String, Math, number wrappers; java.math; java.time; java.util collections)";
    }
}
