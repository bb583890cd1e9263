package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.DENIED_MEMBERS;
import static io.pulse.rules.sandbox.SandboxPolicy.SHARED_FACT_CHANGED;
import static io.pulse.rules.sandbox.SandboxPolicy.allowed;
import static io.pulse.rules.sandbox.SandboxPolicy.allowedSummary;
import static io.pulse.rules.sandbox.SandboxPolicy.changesSharedFact;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.TypeDeclarationDescr;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The check of every class the executable model generated for a pack (rule model
 * classes, the lambda classes of constraints, extractors, accumulate functions and consequences,
 * functions, declared types). Every class, method and field they use must be allowed, whatever the
 * spelling; a backward jump (a loop) is refused. Beyond the rules' allow-list, the generated code
 * may use Drools' model API ({@code org.drools.model}), through which it declares the rules and
 * reaches the {@code drools} helper of a then part.
 *
 * <p>Problems name the rule of a lambda class (found from the {@code D.rule(...)} call that uses it)
 * at the rule's line, or for a then part at the statement's line (while the generated Java keeps
 * one statement per line as written); functions and declared types at their line. Not yet: the
 * line of the condition itself, and the query of a query's lambdas (reported as generated code of
 * the package's first file).
 */
final class BytecodeScan {
    /**
     * What any generated code, rule expressions included, may use beyond the rules' allow-list: the
     * functional interfaces the lambdas implement, the {@code drools} helper of a then part, the
     * property masks of a modify, Drools' null-safe comparisons, and the enum each lambda class is, the operators of {@code in}, {@code matches}, ...
     */
    static final List<String> RUNTIME_PREFIXES = List.of("org.drools.model.functions.", "org.drools.util.bitmask.",
            "org.drools.model.bitmask.", "org.drools.model.operators.");
    /** {@code D.eval(operator, ...)}: how a constraint with {@code in}, {@code matches}, ... evaluates its operator. */
    static final Set<String> RUNTIME_MEMBERS = Set.of("org.drools.modelcompiler.dsl.pattern.D.eval");
    static final Set<String> RUNTIME_CLASSES = Set.of("org.drools.model.Drools", "org.drools.model.BitMask",
            // drools.getRule(), as the classic compiler allows it too
            "org.drools.modelcompiler.consequence.DroolsImpl", "org.drools.core.rule.consequence.KnowledgeHelper",
            "org.kie.api.definition.rule.Rule", "org.drools.core.common.InternalFactHandle",
            "org.drools.modelcompiler.util.EvaluationUtil", "org.kie.api.runtime.rule.FactHandle",
            "org.kie.api.runtime.rule.RuleContext", "java.lang.Enum");

    /** What Drools makes a declared type implement (its field types are checked as anywhere else). */
    static final Set<String> DECLARED_TYPE_SUPPORT = Set.of("java.io.Serializable",
            "org.drools.base.factmodel.GeneratedFact", "org.drools.base.factmodel.AccessibleFact");

    /**
     * What the classes that declare the rules (not the lambdas of their expressions) may use too:
     * Drools' model DSL.
     */
    static final List<String> DSL_PREFIXES = List.of("org.drools.model.", "org.drools.modelcompiler.dsl.");
    static final Set<String> DSL_CLASSES = Set.of("org.drools.util.DateUtils");

    private BytecodeScan() {}

    /**
     * @param classes  every generated class, internal name to bytes
     * @param skipped  classes Drools generates from the module descriptor, without rule text (the
     *                 project model), by exact internal name
     */
    static List<Problem> check(Map<String, byte[]> classes, Set<String> skipped, DrlSource source) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> ruleOfClass = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (!skipped.contains(e.getKey()) && !simpleName(e.getKey()).startsWith("Lambda")) {
                new ClassReader(e.getValue()).accept(new RuleIndex(e.getKey(), classes.keySet(), ruleOfClass),
                        ClassReader.SKIP_FRAMES);
            }
        }
        // Functions are static methods of the package's Rules class: package path -> name -> where.
        Map<String, Map<String, Where>> functions = new HashMap<>();
        for (DrlSource.DrlFile f : source.files()) {
            if (f.descr() != null) {
                for (FunctionDescr fd : f.descr().getFunctions()) {
                    functions.computeIfAbsent(f.descr().getName().replace('.', '/'), k -> new HashMap<>())
                            .put(fd.getName(), new Where(f.name(), fd.getLine(), 0, "function " + fd.getName()));
                }
            }
        }
        // Declared types become classes of the package, named as declared.
        Map<String, Where> declaredTypes = new HashMap<>();
        for (DrlSource.DrlFile f : source.files()) {
            if (f.descr() != null) {
                for (TypeDeclarationDescr td : f.descr().getTypeDeclarations()) {
                    declaredTypes.put(f.descr().getName().replace('.', '/') + "/" + td.getTypeName(),
                            new Where(f.name(), td.getLine(), 0, "declared type " + td.getTypeName()));
                }
            }
        }
        Map<String, Set<String>> calls = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (skipped.contains(e.getKey())) {
                continue;
            }
            String pkg = e.getKey().contains("/") ? e.getKey().substring(0, e.getKey().lastIndexOf('/')) : "";
            Map<String, Where> functionsHere = simpleName(e.getKey()).startsWith("Rules")
                    ? functions.getOrDefault(pkg, Map.of()) : Map.of();
            String rule = ruleOfClass.get(e.getKey());
            Where where;
            if (rule != null) {
                where = ruleWhere(source, rule);
            } else if (declaredTypes.containsKey(e.getKey())) {
                where = declaredTypes.get(e.getKey());
            } else {
                where = new Where(fileOf(e.getKey(), source), 0, 0, "generated class " + e.getKey().replace('/', '.'));
            }
            new ClassReader(e.getValue()).accept(new Scanner(where, e.getKey(), classes.keySet(), functionsHere, calls,
                    inlineLambdas(e.getKey(), ruleOfClass, source), declaredTypes.containsKey(e.getKey()), problems),
                    ClassReader.SKIP_FRAMES);
        }
        refuseRecursion(functions, calls, problems);
        return problems;
    }

    /** A function that calls itself, directly or through others, could run without end. */
    private static void refuseRecursion(Map<String, Map<String, Where>> functions, Map<String, Set<String>> calls,
                                        List<Problem> problems) {
        functions.forEach((pkg, byName) -> byName.forEach((name, where) -> {
            List<String> cycle = cycleFrom(pkg + "." + name, calls);
            if (cycle != null) {
                String path = String.join(" -> ", cycle.stream().map(f -> f.substring(f.lastIndexOf('.') + 1)).toList());
                problems.add(new Problem(where.file(), where.line(), "in " + where.what() + ": recursion is"
                        + " not allowed in rules, it could run without end (" + path + ")"));
            }
        }));
    }

    /** The calls from {@code start} back to itself (start first and last), or null when there are none. */
    static List<String> cycleFrom(String start, Map<String, Set<String>> calls) {
        Map<String, String> reachedFrom = new HashMap<>();
        List<String> queue = new ArrayList<>(List.of(start));
        for (int i = 0; i < queue.size(); i++) {
            String f = queue.get(i);
            for (String callee : calls.getOrDefault(f, Set.of())) {
                if (callee.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String back = f; !back.equals(start); back = reachedFrom.get(back)) {
                        path.add(1, back);
                    }
                    path.add(start);
                    return path;
                }
                if (!reachedFrom.containsKey(callee)) {
                    reachedFrom.put(callee, f);
                    queue.add(callee);
                }
            }
        }
        return null;
    }

    private static Where ruleWhere(DrlSource source, String rule) {
        DrlSource.RuleLocation at = source.locate(rule);
        return new Where(at.file(), at.line(), firstStatementLine(source, at), "rule \"" + rule + "\"");
    }

    /** The rule of each lambda method of a class (lambdas Drools did not move to classes of their own). */
    private static Map<String, Where> inlineLambdas(String className, Map<String, String> ruleOfClass, DrlSource source) {
        Map<String, Where> out = new HashMap<>();
        ruleOfClass.forEach((key, rule) -> {
            if (key.startsWith(className + "#")) {
                out.put(key.substring(className.length() + 1), ruleWhere(source, rule));
            }
        });
        return out;
    }

    /** The line of the first statement of a rule's then part: the first line after {@code then} with code. */
    private static int firstStatementLine(DrlSource source, DrlSource.RuleLocation at) {
        if (at.thenLine() <= 0) {
            return 0;
        }
        for (DrlSource.DrlFile f : source.files()) {
            if (f.name().equals(at.file())) {
                String[] lines = f.text().split("\\R", -1);
                for (int i = at.thenLine(); i < lines.length; i++) { // lines[i] is line i + 1
                    String l = lines[i].strip();
                    if (!l.isEmpty() && !l.startsWith("//")) {
                        return i + 1;
                    }
                }
            }
        }
        return at.thenLine();
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /** Where a generated class's code is written. */
    private record Where(String file, int line, int thenLine, String what) {}

    /**
     * Which rule each lambda class belongs to: the executable model declares each rule in a method
     * of a rule-methods class, {@code D.rule(pkg, name)} followed by the patterns and consequence,
     * which name their lambda classes ({@code LambdaPredicate...INSTANCE}).
     */
    private static final class RuleIndex extends ClassVisitor {
        private final String className;
        private final Set<String> generated;
        private final Map<String, String> ruleOfClass;

        RuleIndex(String className, Set<String> generated, Map<String, String> ruleOfClass) {
            super(Opcodes.ASM9);
            this.className = className;
            this.generated = generated;
            this.ruleOfClass = ruleOfClass;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private String lastString;
                private String rule;
                private final Set<String> lambdas = new HashSet<>();

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof String text) {
                        lastString = text;
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    if (rule == null && (n.equals("rule") || n.equals("query"))
                            && owner.startsWith("org/drools/modelcompiler/dsl/")) {
                        rule = lastString;
                    }
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    if (generated.contains(owner) && simpleName(owner).startsWith("Lambda")) {
                        lambdas.add(owner);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                    for (Object a : args) {
                        if (a instanceof Handle h && h.getOwner().equals(className)) {
                            lambdas.add(className + "#" + h.getName());
                        }
                    }
                }

                @Override
                public void visitEnd() {
                    if (rule != null) {
                        lambdas.forEach(l -> ruleOfClass.putIfAbsent(l, rule));
                    }
                }
            };
        }
    }

    /** The first DRL file of the class's package (generated Java carries no DRL line). */
    private static String fileOf(String className, DrlSource source) {
        String pkg = className.contains("/") ? className.substring(0, className.lastIndexOf('/')).replace('/', '.') : "";
        for (DrlSource.DrlFile f : source.files()) {
            if (f.descr() != null && pkg.equals(f.descr().getName())) {
                return f.name();
            }
        }
        return source.locate("").file();
    }

    static boolean runtime(String className) {
        return RUNTIME_CLASSES.contains(className) || RUNTIME_PREFIXES.stream().anyMatch(className::startsWith);
    }

    static boolean dsl(String className) {
        return DSL_CLASSES.contains(className) || DSL_PREFIXES.stream().anyMatch(className::startsWith);
    }

    private static final class Scanner extends ClassVisitor {
        private final String className;
        private final Set<String> generated;
        private final List<Problem> problems;
        private final Set<String> reported = new HashSet<>();
        /** Whether the class holds rule expressions only (a lambda class), so no DSL. */
        private final boolean lambdaClass;
        private boolean enumClass;
        private boolean inLambdaMethod;
        private String method = "";

        private final Where classWhere;
        private final Map<String, Where> functions;
        private final Map<String, Set<String>> calls;
        private Where where;
        private boolean inFunction;
        private final Map<String, Where> lambdaMethods;
        private final boolean declaredType;

        Scanner(Where where, String className, Set<String> generated, Map<String, Where> functions,
                Map<String, Set<String>> calls, Map<String, Where> lambdaMethods, boolean declaredType,
                List<Problem> problems) {
            super(Opcodes.ASM9);
            this.lambdaMethods = lambdaMethods;
            this.declaredType = declaredType;
            this.classWhere = where;
            this.where = where;
            this.functions = functions;
            this.calls = calls;
            this.className = className;
            this.generated = generated;
            this.problems = problems;
            String simple = className.substring(className.lastIndexOf('/') + 1);
            this.lambdaClass = simple.startsWith("Lambda");
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            enumClass = "java/lang/Enum".equals(superName);
            if (superName != null) {
                use(superName, null);
            }
            for (String i : interfaces) {
                use(i, null);
            }
        }

        private int firstLine = -1;
        private int line = -1;

        /**
         * The DRL line: in a consequence, the then part's first statement's line plus the statement's offset in
         * the generated method (exact while the generated Java keeps one statement per line as
         * written); elsewhere the rule's line.
         */
        private int drlLine() {
            if (simpleName(className).startsWith("LambdaConsequence") && method.equals("execute")
                    && where.thenLine() > 0 && firstLine >= 0) {
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
            String type = InstructionCheck.typeOf(owner);
            if (type == null) {
                return;
            }
            String name = type.replace('/', '.');
            if (member != null && DENIED_MEMBERS.containsKey(member)) {
                refuse(name + "." + member + " is not allowed in rules: " + DENIED_MEMBERS.get(member));
            } else if (member != null && changesSharedFact(name, member)) {
                refuse(name + "." + member + ": " + name.substring(name.lastIndexOf('.') + 1) + " " + SHARED_FACT_CHANGED);
            } else if (enumClass && method.equals("values") && name.equals("java.lang.System") && "arraycopy".equals(member)) {
                return; // the values() of an enum (each lambda class is one), as ecj writes it
            } else if (method.equals("$deserializeLambda$") && name.equals("java.lang.invoke.SerializedLambda")) {
                return; // the compiler's own method for serializable lambdas (a query's)
            } else if (declaredType && DECLARED_TYPE_SUPPORT.contains(name)) {
                return; // the interfaces Drools gives a declared type
            } else if (!generated.contains(type) && !allowed(name) && !runtime(name)
                    && !(member != null && RUNTIME_MEMBERS.contains(name + "." + member))
                    && (lambdaClass || inLambdaMethod || inFunction || !dsl(name))) {
                refuse(name + (member == null ? "" : "." + member) + " is not allowed in rules: they may use "
                        + allowedSummary());
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            method = name;
            inLambdaMethod = name.startsWith("lambda$");
            inFunction = (access & Opcodes.ACC_STATIC) != 0 && functions.containsKey(name);
            where = inFunction ? functions.get(name) : lambdaMethods.getOrDefault(name, classWhere);
            firstLine = -1;
            line = -1;
            return new InstructionCheck() {
                @Override
                void line(int number) {
                    if (firstLine < 0) {
                        firstLine = number;
                    }
                    line = number;
                }

                @Override
                void call(String owner, String n) {
                    if (inFunction && owner.equals(className) && functions.containsKey(n)) {
                        String pkg = className.substring(0, Math.max(className.lastIndexOf('/'), 0));
                        calls.computeIfAbsent(pkg + "." + method, k -> new HashSet<>()).add(pkg + "." + n);
                    }
                }

                @Override
                void use(String owner, String member) {
                    Scanner.this.use(owner, member);
                }

                @Override
                void refuse(String message) {
                    Scanner.this.refuse(message);
                }
            };
        }
    }
}
