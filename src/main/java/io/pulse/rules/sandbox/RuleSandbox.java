package io.pulse.rules.sandbox;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

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
 *       functions (the bytes in the package's {@link JavaDialectRuntimeData} store): every class,
 *       method and field they use must be allowed, whatever the spelling, and a backward jump (a
 *       loop) is refused. Drools' own invoker classes, generated from its templates without rule
 *       text, are not checked.
 * </ol>
 */
public final class RuleSandbox {
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

    /** What the code Drools generates around a then part uses: the {@code drools}/{@code kcontext} helpers. */
    private static final Set<String> DROOLS_HELPERS = Set.of(
            "org.drools.core.rule.consequence.KnowledgeHelper", "org.drools.base.rule.consequence.ConsequenceContext",
            "org.kie.api.runtime.rule.RuleContext", "org.kie.api.runtime.rule.FactHandle",
            "org.kie.api.definition.rule.Rule", "org.drools.core.common.InternalFactHandle");

    /** Property masks Drools passes with the {@code update}/{@code modify} it generates. */
    private static final String DROOLS_BITMASKS = "org.drools.util.bitmask.";

    /** Bootstrap methods of string concatenation and lambdas (javac/ecj output, not callable by name). */
    private static final Set<String> BOOTSTRAPS = Set.of(
            "java.lang.invoke.StringConcatFactory", "java.lang.invoke.LambdaMetafactory");

    /**
     * What follows the rule's class name in the name of one of Drools' invokers of the rule
     * (consequence, evals, accumulates): a top-level class, not one nested in the rule's class.
     */
    private static final Pattern INVOKER = Pattern.compile("[A-Za-z0-9_]*Invoker(?:\\$.*)?");

    /** Members refused on any type: reflection and class loading, monitors, and sources of non-determinism. */
    private static final Map<String, String> DENIED_MEMBERS = Map.ofEntries(
            Map.entry("getClass", "reflection"), Map.entry("class", "reflection"), Map.entry("forName", "reflection"),
            Map.entry("getClassLoader", "class loading"), Map.entry("getContextClassLoader", "class loading"),
            Map.entry("loadClass", "class loading"), Map.entry("newInstance", "reflection"),
            Map.entry("getDeclaredMethod", "reflection"), Map.entry("getMethod", "reflection"),
            Map.entry("getDeclaredField", "reflection"), Map.entry("setAccessible", "reflection"),
            Map.entry("wait", "threads"), Map.entry("notify", "threads"), Map.entry("notifyAll", "threads"),
            Map.entry("now", "the wall clock: rules run in event time"),
            Map.entry("random", "randomness: the same facts must give the same result"));

    /** Loops: refused in the text (MVEL code has no bytecode to check). */
    private static final Set<String> LOOP_KEYWORDS = Set.of("while", "for", "foreach", "do", "until");

    private static final String LOOP =
            "loops are not allowed in rules: a rule handles one customer's facts; write one rule per case instead";

    /** The {@code package} statement: a name, not a use of anything. */
    private static final Pattern PACKAGE_STATEMENT = Pattern.compile("(?m)^[ \\t]*package\\b[^;\\n]*;?");
    private static final Pattern NAME_CHAIN =
            Pattern.compile("[A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*");
    private static final Pattern DOT = Pattern.compile("\\s*\\.\\s*");

    private RuleSandbox() {}

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

    // ---- the source ------------------------------------------------------------------------------

    /** Problems in the DRL text of every file of the pack. */
    public static List<Problem> checkSource(DrlSource source, ClassLoader classLoader) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Class<?>> loaded = new HashMap<>();
        for (DrlSource.DrlFile file : source.files()) {
            Map<String, String> imported = new HashMap<>();
            List<String> wildcards = new ArrayList<>();
            String ownPackage = "";
            PackageDescr descr = file.descr();
            Set<Integer> headerLines = new HashSet<>();
            if (descr != null) {
                ownPackage = descr.getName() == null || descr.getName().isEmpty() ? "" : descr.getName() + ".";
                checkHeader(file.name(), descr, classLoader, loaded, imported, wildcards, problems);
                descr.getImports().forEach(i -> headerLines.add(i.getLine()));
                descr.getGlobals().forEach(g -> headerLines.add(g.getLine()));
            }
            scanText(file.name(), file.text(), headerLines, ownPackage, imported, wildcards, classLoader, loaded, problems);
        }
        return problems;
    }

    private static void checkHeader(String file, PackageDescr descr, ClassLoader classLoader, Map<String, Class<?>> loaded,
                                    Map<String, String> imported, List<String> wildcards, List<Problem> problems) {
        for (ImportDescr i : descr.getImports()) {
            String target = i.getTarget().strip();
            if (target.endsWith(".*")) {
                String pkg = target.substring(0, target.length() - 1);
                if (pkg.equals(FACT_PACKAGE)) {
                    wildcards.add(pkg);
                } else {
                    problems.add(new Problem(file, i.getLine(), "import " + target + " is not allowed: import the "
                            + "classes you use one by one, from " + allowedSummary()));
                }
                continue;
            }
            Class<?> c = load(target, classLoader, loaded);
            String name = c != null ? c.getName() : target;
            if (!allowed(name)) {
                problems.add(new Problem(file, i.getLine(), "import " + target + " is not allowed in rules: "
                        + "they may use " + allowedSummary()));
            }
            imported.put(target.substring(target.lastIndexOf('.') + 1), name);
        }
        for (var i : descr.getFunctionImports()) {
            problems.add(new Problem(file, i.getLine(), "import function " + i.getTarget()
                    + " is not allowed: write the function in the pack, or use the fact model"));
        }
        for (var i : descr.getAccumulateImports()) {
            problems.add(new Problem(file, i.getLine(), "import accumulate " + i.getTarget()
                    + " is not allowed: use Drools' built-in accumulate functions"));
        }
        String mvel = "dialect \"mvel\" is not allowed: then parts are Java (the default dialect), whose compiled "
                + "code the sandbox checks";
        if ("mvel".equals(descr.getAttributes().stream().filter(a -> a.getName().equals("dialect"))
                .map(a -> a.getValue()).findFirst().orElse(null))) {
            problems.add(new Problem(file, descr.getAttributes().stream().filter(a -> a.getName().equals("dialect"))
                    .findFirst().get().getLine(), mvel));
        }
        for (var rule : descr.getRules()) {
            var dialect = rule.getAttributes().get("dialect");
            if (dialect != null && "mvel".equals(dialect.getValue())) {
                problems.add(new Problem(file, rule.getLine(), "in rule \"" + rule.getName() + "\": " + mvel));
            }
        }
        for (GlobalDescr g : descr.getGlobals()) {
            problems.add(new Problem(file, g.getLine(), "global " + g.getType() + " " + g.getIdentifier()
                    + " is not allowed: Pulse gives rules no globals; everything a rule reads is a fact"));
        }
    }

    /**
     * Every name chain ({@code a.b.C.d}) of the text outside comments, string literals and header
     * statements: a class it names must be allowed, a member it names must not be a reflective one,
     * and no loop keyword may appear.
     */
    private static void scanText(String file, String text, Set<Integer> headerLines, String ownPackage,
                                 Map<String, String> imported, List<String> wildcards, ClassLoader classLoader,
                                 Map<String, Class<?>> loaded, List<Problem> problems) {
        String code = PACKAGE_STATEMENT.matcher(blankCommentsAndStrings(text))
                .replaceAll(m -> " ".repeat(m.group().length()));
        Set<String> reported = new HashSet<>();
        Matcher m = NAME_CHAIN.matcher(code);
        int line = 1;
        int counted = 0; // line breaks counted up to here: matches come in text order
        while (m.find()) {
            String[] parts = DOT.split(m.group());
            for (; counted < m.start(); counted++) {
                if (code.charAt(counted) == '\n') {
                    line++;
                }
            }
            if (headerLines.contains(line)) {
                continue; // a package import or global: checked from the parse
            }
            String problem = chainProblem(parts, ownPackage, imported, wildcards, classLoader, loaded);
            if (problem != null && reported.add(line + problem)) {
                problems.add(new Problem(file, line, problem));
            }
        }
    }

    private static String chainProblem(String[] parts, String ownPackage, Map<String, String> imported,
                                       List<String> wildcards, ClassLoader classLoader, Map<String, Class<?>> loaded) {
        if (parts.length == 1 && LOOP_KEYWORDS.contains(parts[0])) {
            return LOOP + " (\"" + parts[0] + "\")";
        }
        for (int i = 1; i < parts.length; i++) {
            String why = DENIED_MEMBERS.get(parts[i]);
            if (why != null) {
                return "\"" + String.join(".", parts) + "\" is not allowed in rules: " + why;
            }
        }
        String first = parts[0];
        if (first.startsWith("$")) {
            return null; // a binding
        }
        Class<?> named = null;
        if (imported.containsKey(first)) {
            return null; // checked at its import
        }
        if (Character.isUpperCase(first.charAt(0))) {
            named = load("java.lang." + first, classLoader, loaded);
            for (int w = 0; named == null && w < wildcards.size(); w++) {
                named = load(wildcards.get(w) + first, classLoader, loaded);
            }
            if (named == null && !ownPackage.isEmpty()) {
                named = load(ownPackage + first, classLoader, loaded);
            }
        } else if (parts.length > 1) {
            // A fully qualified name: the longest prefix that is a class (a.b.C, then a.b.C.D nested).
            StringBuilder prefix = new StringBuilder(first);
            for (int i = 1; i < parts.length && named == null; i++) {
                prefix.append('.').append(parts[i]);
                if (Character.isUpperCase(parts[i].charAt(0))) {
                    named = load(prefix.toString(), classLoader, loaded);
                }
            }
        }
        if (named != null && !allowed(named.getName())) {
            return named.getName() + " is not allowed in rules: they may use " + allowedSummary();
        }
        return null;
    }

    private static Class<?> load(String name, ClassLoader classLoader, Map<String, Class<?>> loaded) {
        if (loaded.containsKey(name)) {
            return loaded.get(name);
        }
        Class<?> c;
        try {
            c = Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            c = null;
        }
        loaded.put(name, c);
        return c;
    }

    /** The text with comments and string/char literals replaced by spaces (line breaks kept). */
    public static String blankCommentsAndStrings(String text) {
        return blank(text, true);
    }

    /** The text with comments replaced by spaces (line breaks kept). */
    public static String blankComments(String text) {
        return blank(text, false);
    }

    private static String blank(String text, boolean strings) {
        StringBuilder out = new StringBuilder(text);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    if (text.charAt(i) != '\n') {
                        out.setCharAt(i, ' ');
                    }
                }
                i--;
            } else if (c == '"' || c == '\'') {
                char blank = strings ? ' ' : c;
                out.setCharAt(i++, blank);
                while (i < n && text.charAt(i) != c && text.charAt(i) != '\n') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        out.setCharAt(i, strings ? ' ' : text.charAt(i));
                        i++;
                    }
                    out.setCharAt(i, strings ? ' ' : text.charAt(i));
                    i++;
                }
                if (i < n && text.charAt(i) == c) {
                    out.setCharAt(i, blank);
                }
            }
        }
        return out.toString();
    }

    // ---- the compiled classes --------------------------------------------------------------------

    /** Problems in the classes Drools generated for the pack's then parts, evals and functions. */
    public static List<Problem> checkCompiled(KieBase kieBase, DrlSource source) {
        List<Problem> problems = new ArrayList<>();
        for (KiePackage p : kieBase.getKiePackages()) {
            InternalKnowledgePackage pkg = (InternalKnowledgePackage) p;
            if (!(pkg.getDialectRuntimeRegistry().getDialectData("java") instanceof JavaDialectRuntimeData java)) {
                continue;
            }
            // Generated rule class (internal name) -> rule name, from each rule's consequence invoker.
            Map<String, String> ruleOfClass = new HashMap<>();
            for (Rule r : p.getRules()) {
                RuleImpl rule = (RuleImpl) r;
                if (rule.getConsequence() != null) {
                    String invoker = rule.getConsequence().getClass().getName().replace('.', '/');
                    ruleOfClass.put(invoker.replaceFirst("DefaultConsequenceInvoker$", ""), rule.getName());
                }
            }
            Map<String, FunctionDescr> functions = new HashMap<>();
            Map<String, String> fileOfFunction = new HashMap<>();
            for (DrlSource.DrlFile f : source.files()) {
                if (f.descr() != null && (f.descr().getName() + ".").replace('.', '/').equals(pkgPath(p.getName()))) {
                    for (FunctionDescr fd : f.descr().getFunctions()) {
                        functions.put(fd.getName().toLowerCase(), fd);
                        fileOfFunction.put(fd.getName().toLowerCase(), f.name());
                    }
                }
            }
            Set<String> generated = new HashSet<>();
            for (String entry : java.getStore().keySet()) {
                generated.add(entry.replaceFirst("\\.class$", ""));
            }
            for (Map.Entry<String, byte[]> e : java.getStore().entrySet()) {
                String className = e.getKey().replaceFirst("\\.class$", "");
                // Generated rule classes are named after the rule (with $uNN$ escapes), so the rule
                // is the one whose class name is the longest prefix of this one.
                String ruleClass = null;
                for (String r : ruleOfClass.keySet()) {
                    if (className.startsWith(r) && (ruleClass == null || r.length() > ruleClass.length())) {
                        ruleClass = r;
                    }
                }
                if (ruleClass != null && INVOKER.matcher(className.substring(ruleClass.length())).matches()) {
                    continue; // Drools' invokers, from its templates
                }
                String rule = ruleClass == null ? null : ruleOfClass.get(ruleClass);
                String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
                Where where;
                if (rule != null) {
                    DrlSource.RuleLocation at = source.locate(rule);
                    where = new Where(at.file(), at.line(), at.thenLine(), "rule \"" + rule + "\"");
                } else {
                    String simple = outer.substring(outer.lastIndexOf('/') + 1).toLowerCase();
                    FunctionDescr fd = functions.get(simple);
                    where = fd == null ? new Where(source.locate("").file(), 0, 0, "generated class " + className)
                            : new Where(fileOfFunction.get(simple), fd.getLine(), fd.getLine(), "function " + fd.getName());
                }
                new ClassReader(e.getValue()).accept(new Scanner(where, generated, problems), ClassReader.SKIP_FRAMES);
            }
        }
        return problems;
    }

    private static String pkgPath(String packageName) {
        return (packageName + ".").replace('.', '/');
    }

    /** Where a generated class's code is written, and how its lines map back to the DRL. */
    private record Where(String file, int line, int thenLine, String what) {}

    /** Checks every instruction of one generated class. */
    private static final class Scanner extends ClassVisitor {
        private final Where where;
        private final Set<String> generated;
        private final List<Problem> problems;
        private final Set<String> reported = new HashSet<>();

        Scanner(Where where, Set<String> generated, List<Problem> problems) {
            super(Opcodes.ASM9);
            this.where = where;
            this.generated = generated;
            this.problems = problems;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            boolean consequence = name.equals("defaultConsequence");
            return new MethodVisitor(Opcodes.ASM9) {
                private final Set<Label> seen = new HashSet<>();
                private int firstLine = -1;
                private int line = -1;

                @Override
                public void visitLabel(Label label) {
                    seen.add(label);
                }

                @Override
                public void visitLineNumber(int number, Label start) {
                    if (firstLine < 0) {
                        firstLine = number;
                    }
                    line = number;
                }

                /** The DRL line of the current statement: exact in a then part, else the rule's line. */
                private int drlLine() {
                    if (consequence && where.thenLine() > 0 && firstLine >= 0) {
                        return where.thenLine() + line - firstLine;
                    }
                    return where.line();
                }

                private void refuse(String message) {
                    int at = drlLine();
                    if (reported.add(at + message)) {
                        problems.add(new Problem(where.file(), at, "in " + where.what() + ": " + message));
                    }
                }

                private void use(String owner, String member) {
                    String type = owner.startsWith("[") ? Type.getType(owner).getElementType().getInternalName() : owner;
                    if (type.length() == 1) {
                        return; // a primitive array
                    }
                    String className = type.replace('/', '.');
                    if (member != null && DENIED_MEMBERS.containsKey(member)) {
                        refuse(className + "." + member + " is not allowed in rules: " + DENIED_MEMBERS.get(member));
                    } else if (!generated.contains(type) && !allowed(className) && !DROOLS_HELPERS.contains(className)
                            && !className.startsWith(DROOLS_BITMASKS)) {
                        refuse(className + (member == null ? "" : "." + member) + " is not allowed in rules: they may use "
                                + allowedSummary());
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                    use(owner, name.startsWith("<") ? null : name);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    use(owner, name);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    use(type, null);
                }

                @Override
                public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
                    use(descriptor, null);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Type t && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY)) {
                        use(t.getDescriptor().startsWith("[") ? t.getDescriptor() : t.getInternalName(), null);
                    } else if (value instanceof Handle || value instanceof org.objectweb.asm.ConstantDynamic) {
                        refuse("method handles are not allowed in rules: reflection");
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) {
                    if (!BOOTSTRAPS.contains(bsm.getOwner().replace('/', '.'))) {
                        refuse("invokedynamic with " + bsm.getOwner().replace('/', '.') + " is not allowed in rules");
                    }
                    for (Object a : args) {
                        if (a instanceof Handle h) {
                            use(h.getOwner(), h.getName().startsWith("<") ? null : h.getName());
                        }
                    }
                }

                @Override
                public void visitJumpInsn(int opcode, Label label) {
                    if (seen.contains(label)) {
                        refuse(LOOP);
                    }
                }

                @Override
                public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                    backwardSwitch(dflt, labels);
                }

                @Override
                public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                    backwardSwitch(dflt, labels);
                }

                private void backwardSwitch(Label dflt, Label[] labels) {
                    boolean back = seen.contains(dflt);
                    for (Label l : labels) {
                        back |= seen.contains(l);
                    }
                    if (back) {
                        refuse(LOOP);
                    }
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    if (type != null) {
                        use(type, null);
                    }
                }
            };
        }
    }
}
