package io.pulse.rules.sandbox;

import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What rule code may use: an allow-list of types and, for each JDK type, of its members. Rules
 * may use every public member of the fact model (except the setters of the facts all customers
 * share) and, of the JDK, value operations whose cost and allocation follow from their inputs: no
 * files, network, processes, reflection, class loading, threads, clocks, randomness, JVM-wide
 * state or the machine's locale, no regular expressions (a pattern can take exponential time), no
 * sizes a rule chooses ({@code String.repeat}, capacities, {@code BigInteger.pow}). Whatever is not
 * listed is refused; {@link #REASONS} only explains the refusals an author is likely to meet.
 */
final class SandboxPolicy {
    /** The documented fact model and its helpers: every public member of every class in it may be used. */
    static final String FACT_PACKAGE = "io.pulse.rules.facts.";

    private static final String MATH = "abs absExact max min round floor ceil rint sqrt cbrt pow exp log log10"
            + " log1p expm1 signum hypot floorDiv floorMod ceilDiv addExact subtractExact multiplyExact negateExact"
            + " toIntExact clamp toRadians toDegrees sin cos tan asin acos atan atan2 PI E";
    private static final String NUMBER = "intValue longValue doubleValue floatValue shortValue byteValue";
    private static final String WRAPPER = "valueOf compare compareTo equals hashCode toString sum max min signum";
    /** The value operations of java.time: no now() (rules run in event time), no systemDefault(), no default locale. */
    private static final String TIME = "of ofEpochDay ofEpochMilli ofEpochSecond ofInstant ofYearDay ofDays ofWeeks"
            + " ofMonths ofYears ofHours ofMinutes ofSeconds ofMillis ofNanos ofTotalSeconds ofHoursMinutes from"
            + " parse between until plus plusDays plusWeeks plusMonths plusYears plusHours plusMinutes plusSeconds"
            + " plusMillis plusNanos minus minusDays minusWeeks minusMonths minusYears minusHours minusMinutes"
            + " minusSeconds minusMillis minusNanos with withDayOfMonth withDayOfYear withMonth withYear withHour"
            + " withMinute withSecond withNano withLocale withZoneSameInstant withZoneSameLocal get getLong"
            + " getYear getMonth getMonthValue getDayOfMonth getDayOfYear getDayOfWeek getHour getMinute getSecond"
            + " getNano getEpochSecond getDays getMonths getYears getSeconds getZone getOffset getId getTotalSeconds"
            + " getValue isBefore isAfter isEqual isLeapYear isNegative isZero isPositive isSupported lengthOfMonth"
            + " lengthOfYear atStartOfDay atTime atDate atZone atOffset atDay atMonth atEndOfMonth toLocalDate"
            + " toLocalTime toLocalDateTime toInstant toEpochMilli toEpochDay toEpochSecond toDays toHours"
            + " toMinutes toSeconds toMillis toNanos toTotalMonths truncatedTo negated abs multipliedBy dividedBy"
            + " normalized compareTo equals hashCode toString format name ordinal values valueOf firstDayOfMonth"
            + " lastDayOfMonth firstDayOfNextMonth firstDayOfYear lastDayOfYear next previous nextOrSame"
            + " previousOrSame dayOfWeekInMonth firstInMonth lastInMonth UTC MIN MAX EPOCH ZERO"
            + " NANOS MILLIS SECONDS MINUTES HOURS HALF_DAYS DAYS WEEKS MONTHS YEARS"
            + " MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY JANUARY FEBRUARY MARCH APRIL MAY JUNE"
            + " JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER DAY_OF_WEEK DAY_OF_MONTH DAY_OF_YEAR MONTH_OF_YEAR YEAR";

    /**
     * JDK types a rule may use and, for each, the members it may use: a name allows every overload
     * (and the static constants of that name), {@code name(params} only the overloads whose
     * descriptor starts so, {@code <init>(params} a constructor. A member declared by a supertype is
     * allowed when that supertype's entry allows it ({@code ArrayList.add} through {@code Collection}).
     */
    private static final Map<String, String> JDK = Map.ofEntries(
            Map.entry("java.lang.Object", "<init>() equals hashCode toString"),
            Map.entry("java.lang.String", "<init>() <init>(Ljava/lang/String;) length isEmpty isBlank charAt"
                    + " substring indexOf lastIndexOf contains startsWith endsWith equals equalsIgnoreCase"
                    + " compareTo compareToIgnoreCase toLowerCase(Ljava/util/Locale;) toUpperCase(Ljava/util/Locale;)"
                    + " trim strip stripLeading stripTrailing concat replace valueOf join CASE_INSENSITIVE_ORDER"),
            Map.entry("java.lang.CharSequence", "length charAt isEmpty toString compare"),
            Map.entry("java.lang.StringBuilder", "<init>() <init>(Ljava/lang/String;) <init>(Ljava/lang/CharSequence;)"
                    + " append insert reverse delete deleteCharAt indexOf lastIndexOf toString"),
            Map.entry("java.lang.Math", MATH),
            Map.entry("java.lang.StrictMath", MATH),
            Map.entry("java.lang.Number", NUMBER),
            Map.entry("java.lang.Integer", NUMBER + " " + WRAPPER + " parseInt MAX_VALUE MIN_VALUE"),
            Map.entry("java.lang.Long", NUMBER + " " + WRAPPER + " parseLong MAX_VALUE MIN_VALUE"),
            Map.entry("java.lang.Double", NUMBER + " " + WRAPPER + " parseDouble isNaN isInfinite isFinite"
                    + " MAX_VALUE MIN_VALUE NaN POSITIVE_INFINITY NEGATIVE_INFINITY"),
            Map.entry("java.lang.Float", NUMBER + " " + WRAPPER + " parseFloat isNaN isInfinite isFinite"),
            Map.entry("java.lang.Short", NUMBER + " " + WRAPPER + " parseShort"),
            Map.entry("java.lang.Byte", NUMBER + " " + WRAPPER + " parseByte"),
            Map.entry("java.lang.Boolean", WRAPPER + " booleanValue parseBoolean logicalAnd logicalOr logicalXor"
                    + " TRUE FALSE"),
            Map.entry("java.lang.Character", WRAPPER + " charValue isDigit isLetter isLetterOrDigit isAlphabetic"
                    + " isUpperCase isLowerCase isWhitespace toUpperCase toLowerCase"),
            Map.entry("java.lang.Comparable", "compareTo"),
            Map.entry("java.lang.Iterable", "forEach"),
            Map.entry("java.lang.Enum", "name ordinal compareTo equals hashCode toString valueOf <init>"),
            Map.entry("java.lang.Exception", "<init>"),
            Map.entry("java.lang.RuntimeException", "<init>"),
            Map.entry("java.lang.IllegalArgumentException", "<init>"),
            Map.entry("java.lang.IllegalStateException", "<init>"),
            Map.entry("java.lang.ArithmeticException", "<init>"),
            Map.entry("java.lang.UnsupportedOperationException", "<init>"),
            Map.entry("java.util.Collection", "size isEmpty contains containsAll add addAll remove removeAll"
                    + " retainAll removeIf clear forEach toArray equals hashCode toString"),
            Map.entry("java.util.List", "of copyOf get set indexOf lastIndexOf subList sort add remove addFirst"
                    + " addLast getFirst getLast removeFirst removeLast reversed replaceAll"),
            Map.entry("java.util.Set", "of copyOf"),
            Map.entry("java.util.SortedSet", "first last headSet tailSet subSet"),
            Map.entry("java.util.Map", "of ofEntries entry copyOf size isEmpty get getOrDefault containsKey"
                    + " containsValue put putAll putIfAbsent remove keySet values entrySet forEach merge compute"
                    + " computeIfAbsent computeIfPresent replace replaceAll clear equals hashCode toString"),
            Map.entry("java.util.Map$Entry", "getKey getValue comparingByKey comparingByValue"),
            Map.entry("java.util.SortedMap", "firstKey lastKey headMap tailMap subMap"),
            Map.entry("java.util.ArrayList", "<init>() <init>(Ljava/util/Collection;)"),
            Map.entry("java.util.LinkedList", "<init>() <init>(Ljava/util/Collection;)"),
            Map.entry("java.util.HashSet", "<init>() <init>(Ljava/util/Collection;)"),
            Map.entry("java.util.LinkedHashSet", "<init>() <init>(Ljava/util/Collection;)"),
            Map.entry("java.util.TreeSet", "<init>() <init>(Ljava/util/Collection;) <init>(Ljava/util/Comparator;)"),
            Map.entry("java.util.HashMap", "<init>() <init>(Ljava/util/Map;)"),
            Map.entry("java.util.LinkedHashMap", "<init>() <init>(Ljava/util/Map;)"),
            Map.entry("java.util.TreeMap", "<init>() <init>(Ljava/util/Map;) <init>(Ljava/util/Comparator;)"),
            Map.entry("java.util.Collections", "emptyList emptySet emptyMap singletonList singleton singletonMap"
                    + " unmodifiableList unmodifiableSet unmodifiableMap unmodifiableCollection max min frequency"
                    + " sort reverse reverseOrder disjoint"),
            Map.entry("java.util.Arrays", "asList equals hashCode toString"),
            Map.entry("java.util.Objects", "equals hash hashCode isNull nonNull requireNonNull requireNonNullElse"
                    + " toString compare"),
            Map.entry("java.util.Optional", "of ofNullable empty isPresent isEmpty get orElse orElseGet orElseThrow"
                    + " map flatMap filter ifPresent equals hashCode toString"),
            Map.entry("java.util.Comparator", "compare comparing comparingInt comparingLong comparingDouble"
                    + " naturalOrder reverseOrder nullsFirst nullsLast reversed thenComparing thenComparingInt"
                    + " thenComparingLong thenComparingDouble"),
            Map.entry("java.util.Locale", "forLanguageTag getLanguage getCountry toLanguageTag equals hashCode"
                    + " toString ROOT ENGLISH US UK GERMANY FRANCE"),
            Map.entry("java.util.StringJoiner", "<init> add merge length setEmptyValue toString"));

    /** Members of {@code Throwable} a rule may call on an allowed exception (Throwable itself is no allowed type). */
    private static final Map<String, String> INHERITED_ONLY = Map.of("java.lang.Throwable", "getMessage");

    /** Every type of these packages, with these members. */
    private static final Map<String, String> JDK_PACKAGES = Map.of(
            "java.util.function.", "apply test accept get andThen compose negate and or not identity isEqual"
                    + " applyAsInt applyAsLong applyAsDouble getAsInt getAsLong getAsDouble getAsBoolean minBy maxBy",
            "java.time.", TIME,
            "java.time.temporal.", TIME,
            "java.time.format.", TIME + " ofPattern(Ljava/lang/String;Ljava/util/Locale;) ISO_LOCAL_DATE ISO_DATE"
                    + " ISO_LOCAL_DATE_TIME ISO_DATE_TIME ISO_INSTANT ISO_LOCAL_TIME BASIC_ISO_DATE ISO_OFFSET_DATE_TIME");

    /** Types of those packages that are not values (the wall clock). */
    private static final Set<String> NOT_VALUES = Set.of("java.time.Clock", "java.time.InstantSource");

    private static final String REGEX = "regular expressions can take exponential time: use startsWith, endsWith,"
            + " contains or in";

    /**
     * Why an author's likely reach is refused: the messages name it. The text check refuses these
     * names anywhere in a rule, at their line, before the bytecode check (which refuses whatever the
     * allow-list does not name, these included).
     */
    static final Map<String, String> REASONS = Map.ofEntries(
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

    /** Why members the text check does not refuse by name are refused: said in the bytecode check's message. */
    private static final Map<String, String> BYTECODE_REASONS = Map.ofEntries(
            Map.entry("matches", REGEX),
            Map.entry("replaceAll", "regular expressions can take exponential time: use replace"),
            Map.entry("replaceFirst", "regular expressions can take exponential time: use replace"),
            Map.entry("split", "regular expressions can take exponential time: use indexOf and substring"),
            Map.entry("format", "a width or precision in the pattern is an allocation the rule sizes: use +"),
            Map.entry("toLowerCase", "without a Locale it depends on the machine's: use toLowerCase(Locale.ROOT)"),
            Map.entry("toUpperCase", "without a Locale it depends on the machine's: use toUpperCase(Locale.ROOT)"),
            Map.entry("systemDefault", "the machine's time zone: name the zone (ZoneOffset.UTC)"),
            Map.entry("ofPattern", "without a Locale it depends on the machine's: ofPattern(pattern, Locale.ROOT)"),
            Map.entry("ensureCapacity", "an allocation whose size the rule chooses"),
            Map.entry("setLength", "an allocation whose size the rule chooses"),
            Map.entry("nCopies", "an allocation whose size the rule chooses"),
            Map.entry("printStackTrace", "it writes to the job's standard error"),
            Map.entry("stream", "streams are not allowed in rules (they can be endless): use the collection's methods"));

    /** Why types the author reaches without naming them are refused. */
    private static final Map<String, String> TYPE_REASONS = Map.of(
            "java.util.regex.Pattern", REGEX + " (the matches operator is one)",
            "java.util.regex.Matcher", REGEX + " (the matches operator is one)");

    /**
     * Facts one object of which every customer's evaluation shares: a rule reads them and may not
     * change them (their setters exist for the job's serializer, not for rules).
     */
    private static final Set<String> SHARED_FACTS = Set.of(FACT_PACKAGE + "Population", FACT_PACKAGE + "Parameters");

    private static final String SHARED_FACT_CHANGED =
            "is shared by every customer's evaluation: rules read it and may not change it";

    /** Loops: refused in the text too, where they are easiest to name. */
    static final Set<String> LOOP_KEYWORDS = Set.of("while", "for", "foreach", "do", "until");

    static final String LOOP =
            "loops are not allowed in rules: a rule handles one customer's facts; write one rule per case instead";

    /** Most elements an array a rule creates may have; its size must be a constant. */
    static final int MAX_ARRAY = 1_000;

    /** Each JDK type's parsed entry: member names and descriptor prefixes. */
    private static final Map<String, Set<String>> PARSED = new ConcurrentHashMap<>();

    private SandboxPolicy() {}

    /** Whether rules may use the class of that name (a type alone: a cast, a {@code new}, a catch). */
    static boolean allowed(String className) {
        return className.startsWith(FACT_PACKAGE) || JDK.containsKey(className) || packageEntry(className) != null;
    }

    /**
     * Why rules may not use that member, or null when they may.
     *
     * @param owner      the class the instruction names (dotted, as {@link Class#getName()})
     * @param name       the member's name ({@code <init>} for a constructor)
     * @param descriptor the method's descriptor, null for a field
     * @param write      whether a field is written
     */
    static String refusal(String owner, String name, String descriptor, boolean write, ClassLoader loader) {
        String member = name.equals("<init>") ? "new " + owner : owner + "." + name;
        if (!allowed(owner)) {
            return member + " is not allowed in rules: " + TYPE_REASONS.getOrDefault(owner, "they may use "
                    + allowedSummary());
        }
        if (owner.startsWith(FACT_PACKAGE)) {
            if (changesSharedFact(owner, name) || (write && SHARED_FACTS.contains(outer(owner)))) {
                return member + ": " + owner.substring(owner.lastIndexOf('.') + 1) + " " + SHARED_FACT_CHANGED;
            }
            return null;
        }
        if (descriptor == null) {
            return !write && listedConstant(owner, name, loader) ? null
                    : member + " is not allowed in rules: only the constants of a value type";
        }
        if (listed(owner, name, descriptor) || (!name.equals("<init>") && listedBySupertype(owner, name, loader))) {
            return null;
        }
        String why = REASONS.getOrDefault(name, BYTECODE_REASONS.get(name));
        return member + " is not allowed in rules: " + (why != null ? why
                : "it is not on the sandbox's list of what rules may use (rules/README.md, \"The sandbox\")");
    }

    /** Whether a call of {@code method} on {@code className} changes a fact every customer shares. */
    private static boolean changesSharedFact(String className, String method) {
        return SHARED_FACTS.contains(outer(className)) && method.startsWith("set");
    }

    static String allowedSummary() {
        return "the fact model (" + FACT_PACKAGE + "*)"
                + " and value operations of java.lang (String, Math, number wrappers), java.time and java.util collections";
    }

    private static String outer(String className) {
        return className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
    }

    private static String packageEntry(String className) {
        if (NOT_VALUES.contains(className)) {
            return null;
        }
        return JDK_PACKAGES.get(className.substring(0, className.lastIndexOf('.') + 1));
    }

    private static Set<String> entries(String className) {
        return PARSED.computeIfAbsent(className, c -> {
            String entry = JDK.containsKey(c) ? JDK.get(c) : INHERITED_ONLY.containsKey(c) ? INHERITED_ONLY.get(c)
                    : packageEntry(c);
            return entry == null ? Set.of() : Set.copyOf(Arrays.asList(entry.split(" ")));
        });
    }

    /** Whether the type's own entry lists the method. */
    private static boolean listed(String className, String name, String descriptor) {
        for (String e : entries(className)) {
            int paren = e.indexOf('(');
            if (paren < 0 ? e.equals(name) : (name + descriptor).startsWith(e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a supertype that declares a method of that name lists it (an inherited or overridden method). */
    private static boolean listedBySupertype(String className, String name, ClassLoader loader) {
        Class<?> start = load(className, loader);
        if (start == null) {
            return false;
        }
        Deque<Class<?>> todo = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        todo.add(start);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (c != start && declares(c, name) && (JDK.containsKey(c.getName()) || INHERITED_ONLY.containsKey(c.getName())
                    || packageEntry(c.getName()) != null) && entries(c.getName()).contains(name)) {
                return true;
            }
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
            todo.addAll(Arrays.asList(c.getInterfaces()));
        }
        return false;
    }

    private static boolean declares(Class<?> c, String name) {
        for (Executable m : c.getDeclaredMethods()) {
            if (m.getName().equals(name) && Modifier.isPublic(m.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    /** A public static final field of the type that its entry names (a constant of a value type). */
    private static boolean listedConstant(String className, String name, ClassLoader loader) {
        if (!entries(className).contains(name)) {
            return false;
        }
        Class<?> c = load(className, loader);
        try {
            Field f = c == null ? null : c.getField(name);
            int m = f == null ? 0 : f.getModifiers();
            return Modifier.isStatic(m) && Modifier.isFinal(m);
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static Class<?> load(String className, ClassLoader loader) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
