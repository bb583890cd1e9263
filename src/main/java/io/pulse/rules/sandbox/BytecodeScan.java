package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.InstructionCheck.ARRAY_OF_CHOSEN_SIZE;
import static io.pulse.rules.sandbox.SandboxPolicy.allowed;
import static io.pulse.rules.sandbox.SandboxPolicy.allowedSummary;

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
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.QueryDescr;
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
 * <p>Problems name the rule of a lambda class (found from the {@code D.rule(...)} call that uses it):
 * a constraint at its own line (found from the text Drools keeps of it), a then part at the
 * statement's line (while the generated Java keeps one statement per line as written), other
 * expressions ({@code from}, accumulate, salience) at the rule's line; functions and declared types
 * at their line. Not yet: the query of a query's lambdas (reported as generated code of the
 * package's first file).
 */
final class BytecodeScan {
    /**
     * What any generated code, rule expressions included, may use of Drools beyond the rules'
     * allow-list, by type: a predicate's description, the {@code drools} helper of a then part,
     * Drools' null-safe comparisons and the operators of {@code in}, {@code contains}, ...
     * ({@code matches} is no such operator: a regular expression can take exponential time).
     * {@code *}: every member.
     */
    static final Map<String, Set<String>> RUNTIME = Map.ofEntries(
            Map.entry("org.drools.model.functions.PredicateInformation", Set.of("<init>", "addRuleNames")),
            Map.entry("org.drools.model.functions.HashedExpression", Set.of("getExpressionHash")),
            Map.entry("org.drools.model.Drools", Set.of("insert", "update", "delete")),
            Map.entry("org.drools.model.DroolsEntryPoint", Set.of("insert", "update", "delete")),
            Map.entry("org.drools.model.BitMask", Set.of("*")),
            Map.entry("org.drools.modelcompiler.util.EvaluationUtil", Set.of("*")),
            Map.entry("org.drools.modelcompiler.dsl.pattern.D", Set.of("eval")),
            Map.entry("org.drools.model.operators.InOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.ContainsOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.ExcludesOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.MemberOfOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.StringStartsWithOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.StringEndsWithOperator", Set.of("INSTANCE")),
            Map.entry("org.drools.model.operators.StringLengthWithOperator", Set.of("INSTANCE")),
            // drools.getRule().getName(), as the classic compiler allows it too
            Map.entry("org.drools.modelcompiler.consequence.DroolsImpl", Set.of("asKnowledgeHelper", "getRule")),
            Map.entry("org.drools.core.rule.consequence.KnowledgeHelper", Set.of("getRule")),
            Map.entry("org.kie.api.runtime.rule.RuleContext", Set.of("getRule")),
            Map.entry("org.kie.api.definition.rule.Rule", Set.of("getName")));
    /** The functional interfaces of Drools' lambdas (Predicate1, Function2, Block3, ...): their one method. */
    private static final Pattern RUNTIME_LAMBDA =
            Pattern.compile("org\\.drools\\.model\\.functions\\.(?:Predicate|Function|Block)(?:\\d+|N)");
    /** The property masks of a modify. */
    private static final List<String> BITMASKS = List.of("org.drools.util.bitmask.", "org.drools.model.bitmask.");

    /**
     * What Drools' scaffolding uses of the JDK beyond the allow-list: the primitive types of
     * declarations and the date formatter of date literals. The rest of its code is checked like
     * rule code: a constraint's value is computed there when Drools indexes it ({@code customerId
     * == <expression>}), at build time.
     */
    static final Set<String> SCAFFOLDING_JDK = Set.of("java.lang.Integer.TYPE", "java.lang.Long.TYPE",
            "java.lang.Double.TYPE", "java.lang.Float.TYPE", "java.lang.Short.TYPE", "java.lang.Byte.TYPE",
            "java.lang.Boolean.TYPE", "java.lang.Character.TYPE",
            "java.time.format.DateTimeFormatterBuilder.<init>",
            "java.time.format.DateTimeFormatterBuilder.parseCaseInsensitive",
            "java.time.format.DateTimeFormatterBuilder.appendPattern",
            "java.time.format.DateTimeFormatterBuilder.toFormatter");

    /** What Drools makes a declared type implement (its field types are checked as anywhere else). */
    static final Set<String> DECLARED_TYPE_SUPPORT = Set.of("java.io.Serializable",
            "org.drools.base.factmodel.GeneratedFact", "org.drools.base.factmodel.AccessibleFact");

    /**
     * What the classes that declare the rules (not the lambdas of their expressions) may use too:
     * Drools' model DSL, and its built-in accumulate functions (sum, count, average, min, max,
     * collectList, ...), which the DSL creates for an {@code accumulate}.
     */
    static final List<String> DSL_PREFIXES = List.of("org.drools.model.", "org.drools.modelcompiler.dsl.",
            "org.drools.core.base.accumulators.");
    static final Set<String> DSL_CLASSES = Set.of("org.drools.util.DateUtils");

    private BytecodeScan() {}

    /**
     * @param classes  every generated class, internal name to bytes
     * @param skipped  classes Drools generates from the module descriptor, without rule text (the
     *                 project model), by exact internal name
     * @param loader   loads the fact classes and the JDK's, to find where a member is declared
     */
    static List<Problem> check(Map<String, byte[]> classes, Set<String> skipped, DrlSource source,
                               ClassLoader loader) {
        List<Problem> problems = new ArrayList<>();
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
        Set<String> functionNames = new HashSet<>();
        functions.values().forEach(byName -> functionNames.addAll(byName.keySet()));
        Set<String> scaffolding = scaffolding(classes, skipped, functionNames, declaredTypes.keySet());
        Map<String, String> ruleOfClass = new HashMap<>();
        Map<String, String> queryDefs = new HashMap<>();
        for (int pass = 0; pass < 2; pass++) { // the first finds the queries' definitions, which the second uses
            for (String c : scaffolding) {
                new ClassReader(classes.get(c)).accept(new RuleIndex(c, classes.keySet(), scaffolding, queryDefs,
                        ruleOfClass), ClassReader.SKIP_FRAMES);
            }
        }
        Map<String, Set<String>> calls = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (skipped.contains(e.getKey())) {
                continue;
            }
            String pkg = e.getKey().contains("/") ? e.getKey().substring(0, e.getKey().lastIndexOf('/')) : "";
            Map<String, Where> functionsHere = scaffolding.contains(e.getKey())
                    ? functions.getOrDefault(pkg, Map.of()) : Map.of();
            String rule = ruleOfClass.get(e.getKey());
            Where where;
            if (rule != null) {
                where = constraintWhere(source, rule, constraintText(e.getValue()));
            } else if (declaredTypes.containsKey(e.getKey())) {
                where = declaredTypes.get(e.getKey());
            } else {
                where = new Where(fileOf(e.getKey(), source), 0, 0, "generated class " + e.getKey().replace('/', '.'));
            }
            new ClassReader(e.getValue()).accept(new Scanner(where, e.getKey(), classes.keySet(), loader, functionsHere, calls,
                    inlineLambdas(e.getKey(), ruleOfClass, source), !scaffolding.contains(e.getKey()),
                    declaredTypes.containsKey(e.getKey()), problems),
                    ClassReader.SKIP_FRAMES);
        }
        refuseRecursion(functions, calls, problems);
        return problems;
    }

    /**
     * Drools' scaffolding around the rules, identified by how the executable model generated it,
     * never by name: the model classes the project model (the descriptor class) creates, the
     * generated classes whose static members their code uses (rule methods, domain metadata), and
     * the implementations of {@code DomainClassMetadata}. Not lambda classes (they implement Drools'
     * functional interfaces), declared types, functions or lambda methods: everything outside this
     * set holds rule code, and is checked as rule code.
     */
    private static Set<String> scaffolding(Map<String, byte[]> classes, Set<String> descriptor, Set<String> functionNames,
                                           Set<String> declaredTypes) {
        Set<String> found = new HashSet<>();
        List<String> todo = new ArrayList<>();
        for (String d : descriptor) {
            if (classes.containsKey(d)) {
                todo.addAll(staticUses(classes.get(d), classes.keySet(), Set.of(), true));
            }
        }
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (interfaces(e.getValue()).contains("org/drools/model/DomainClassMetadata")) {
                found.add(e.getKey());
            }
        }
        while (!todo.isEmpty()) {
            String c = todo.remove(todo.size() - 1);
            if (declaredTypes.contains(c) || found.contains(c) || !classes.containsKey(c)
                    || interfaces(classes.get(c)).stream().anyMatch(i -> i.startsWith("org/drools/model/functions/"))) {
                continue;
            }
            found.add(c);
            todo.addAll(staticUses(classes.get(c), classes.keySet(), functionNames, false));
        }
        return found;
    }

    private static List<String> interfaces(byte[] bytes) {
        return List.of(new ClassReader(bytes).getInterfaces());
    }

    /**
     * The generated classes a class's code uses statically (static calls and fields; with
     * {@code creations}, the classes it creates), outside its functions and lambda methods.
     */
    private static Set<String> staticUses(byte[] bytes, Set<String> generated, Set<String> functionNames,
                                          boolean creations) {
        Set<String> used = new HashSet<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (name.startsWith("lambda$") || ((access & Opcodes.ACC_STATIC) != 0 && functionNames.contains(name))) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        if (generated.contains(owner) && (opcode == Opcodes.INVOKESTATIC
                                || (creations && opcode == Opcodes.INVOKESPECIAL && n.equals("<init>")))) {
                            used.add(owner);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String n, String d) {
                        if (generated.contains(owner) && opcode == Opcodes.GETSTATIC) {
                            used.add(owner);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        return used;
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

    /**
     * The text of the constraint a lambda class tests, as Drools describes it in the class's
     * {@code predicateInformation()} (its first string), or null for other lambdas.
     */
    private static String constraintText(byte[] lambdaClass) {
        String[] text = new String[1];
        new ClassReader(lambdaClass).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (!name.equals("predicateInformation")) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitLdcInsn(Object value) {
                        if (text[0] == null && value instanceof String t) {
                            text[0] = t;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        return text[0];
    }

    /**
     * A constraint's rule, at the line where the rule writes the constraint (the first line from
     * the rule's on that holds its text, whitespace aside), else at the rule's line.
     */
    private static Where constraintWhere(DrlSource source, String rule, String constraint) {
        Where where = ruleWhere(source, rule);
        if (constraint == null || constraint.isBlank() || where.line() <= 0) {
            return where;
        }
        for (DrlSource.DrlFile f : source.files()) {
            if (f.name().equals(where.file())) {
                String text = f.text();
                int from = 0;
                for (int line = 1; line < where.line() && from >= 0; line++) {
                    from = text.indexOf('\n', from) + 1;
                }
                String[] words = constraint.strip().split("\\s+");
                StringBuilder regex = new StringBuilder();
                for (String w : words) {
                    regex.append(regex.isEmpty() ? "" : "\\s*").append(Pattern.quote(w));
                }
                Matcher m = Pattern.compile(regex.toString()).matcher(text);
                if (from >= 0 && m.find(from)) {
                    int line = 1;
                    for (int i = 0; i < m.start(); i++) {
                        if (text.charAt(i) == '\n') {
                            line++;
                        }
                    }
                    return new Where(where.file(), line, where.thenLine(), where.what());
                }
            }
        }
        return where;
    }

    private static Where ruleWhere(DrlSource source, String rule) {
        DrlSource.RuleLocation at = source.locate(rule);
        return new Where(at.file(), at.line(), firstStatementLine(source, at),
                (isQuery(source, rule) ? "query \"" : "rule \"") + rule + "\"");
    }

    /** Whether the pack's rule of that name is a query (queries are rules to Drools' parser). */
    private static boolean isQuery(DrlSource source, String name) {
        for (DrlSource.DrlFile f : source.files()) {
            if (f.descr() != null && f.descr().getRules().stream()
                    .anyMatch(r -> r.getName().equals(name) && r instanceof QueryDescr)) {
                return true;
            }
        }
        return false;
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

    /** Where a generated class's code is written. */
    private record Where(String file, int line, int thenLine, String what) {}

    /**
     * Which rule each lambda class belongs to: the executable model declares each rule in a method
     * of a rule-methods class, {@code D.rule(pkg, name)} followed by the patterns and consequence,
     * which name their lambda classes (the {@code INSTANCE} of each: any generated class outside
     * the scaffolding); a query is defined once ({@code D.query(pkg, name)} into a static field)
     * and built in a method that reads that field. The method itself belongs to the rule too: it
     * computes the values of indexed constraints.
     */
    private static final class RuleIndex extends ClassVisitor {
        private final String className;
        private final Set<String> generated;
        private final Set<String> scaffolding;
        /** Static field (owner.name) holding a query's definition, to the query's name. */
        private final Map<String, String> queryDefs;
        private final Map<String, String> ruleOfClass;

        RuleIndex(String className, Set<String> generated, Set<String> scaffolding, Map<String, String> queryDefs,
                  Map<String, String> ruleOfClass) {
            super(Opcodes.ASM9);
            this.className = className;
            this.generated = generated;
            this.scaffolding = scaffolding;
            this.queryDefs = queryDefs;
            this.ruleOfClass = ruleOfClass;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private String lastString;
                private String rule;
                private String definedQuery;
                private final Set<String> lambdas = new HashSet<>();

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof String text) {
                        lastString = text;
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    if (n.equals("query") && owner.startsWith("org/drools/modelcompiler/dsl/")) {
                        definedQuery = lastString; // stored next into a static field
                    } else if (rule == null && n.equals("rule") && owner.startsWith("org/drools/modelcompiler/dsl/")) {
                        rule = lastString;
                    }
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    if (opcode == Opcodes.PUTSTATIC && definedQuery != null) {
                        queryDefs.put(owner + "." + n, definedQuery);
                        definedQuery = null;
                    } else if (opcode == Opcodes.GETSTATIC && rule == null && queryDefs.containsKey(owner + "." + n)) {
                        rule = queryDefs.get(owner + "." + n);
                    } else if (generated.contains(owner) && !scaffolding.contains(owner)) {
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
                        lambdas.add(className + "#" + name);
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

    /** Whether generated code may use that member of Drools (null: the type alone). */
    static boolean runtime(String className, String member) {
        if (RUNTIME_LAMBDA.matcher(className).matches() || BITMASKS.stream().anyMatch(className::startsWith)) {
            return true;
        }
        Set<String> members = RUNTIME.get(className);
        return members != null && (member == null || members.contains("*") || members.contains(member));
    }

    static boolean dsl(String className) {
        return DSL_CLASSES.contains(className) || DSL_PREFIXES.stream().anyMatch(className::startsWith);
    }

    private static final class Scanner extends ClassVisitor {
        private final String className;
        private final Set<String> generated;
        private final ClassLoader loader;
        private final List<Problem> problems;
        private final Set<String> reported = new HashSet<>();
        /** Whether the class holds rule code (all but Drools' scaffolding), so no DSL. */
        private final boolean ruleCodeClass;
        /** Whether the class is a then part's lambda (it implements one of Drools' Block interfaces). */
        private boolean consequence;
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

        Scanner(Where where, String className, Set<String> generated, ClassLoader loader, Map<String, Where> functions,
                Map<String, Set<String>> calls, Map<String, Where> lambdaMethods, boolean ruleCodeClass,
                boolean declaredType, List<Problem> problems) {
            super(Opcodes.ASM9);
            this.loader = loader;
            this.lambdaMethods = lambdaMethods;
            this.declaredType = declaredType;
            this.classWhere = where;
            this.where = where;
            this.functions = functions;
            this.calls = calls;
            this.className = className;
            this.generated = generated;
            this.problems = problems;
            this.ruleCodeClass = ruleCodeClass;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            enumClass = "java/lang/Enum".equals(superName);
            for (String i : interfaces) {
                consequence |= i.startsWith("org/drools/model/functions/Block");
            }
            if (superName != null) {
                use(superName, null, null, false);
            }
            for (String i : interfaces) {
                use(i, null, null, false);
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
            if (consequence && method.equals("execute")
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

        private void use(String owner, String member, String descriptor, boolean write) {
            String type = InstructionCheck.typeOf(owner);
            if (type == null || generated.contains(type)) {
                return; // a primitive array, or a generated class: checked itself
            }
            String name = type.replace('/', '.');
            boolean ruleCode = ruleCodeClass || inLambdaMethod || inFunction;
            if (enumClass && method.equals("values") && name.equals("java.lang.System") && "arraycopy".equals(member)) {
                return; // the values() of an enum (each lambda class is one), as ecj writes it
            } else if (!inFunction && method.equals("$deserializeLambda$")
                    && name.equals("java.lang.invoke.SerializedLambda")) {
                return; // the compiler's own method for serializable lambdas (a query's)
            } else if (declaredType && DECLARED_TYPE_SUPPORT.contains(name)) {
                return; // the interfaces Drools gives a declared type
            } else if (runtime(name, member) || (!ruleCode && dsl(name))) {
                return;
            } else if (!ruleCode && SCAFFOLDING_JDK.contains(name + "." + member)) {
                return;
            }
            String why = member == null
                    ? (allowed(name) ? null : name + " is not allowed in rules: they may use " + allowedSummary())
                    : SandboxPolicy.refusal(name, member, descriptor, write, loader);
            if (why != null) {
                refuse(why);
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
                void use(String owner, String member, String descriptor, boolean write) {
                    Scanner.this.use(owner, member, descriptor, write);
                }

                @Override
                void arrayOfChosenSize() {
                    boolean ruleCode = ruleCodeClass || inLambdaMethod || inFunction;
                    if (ruleCode && !(enumClass && method.equals("values"))) { // values(): each lambda class is an enum
                        refuse(ARRAY_OF_CHOSEN_SIZE);
                    }
                }

                @Override
                void refuse(String message) {
                    Scanner.this.refuse(message);
                }
            };
        }
    }
}
