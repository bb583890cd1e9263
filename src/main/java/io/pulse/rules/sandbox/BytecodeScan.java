package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.DENIED_MEMBERS;
import static io.pulse.rules.sandbox.SandboxPolicy.SHARED_FACT_CHANGED;
import static io.pulse.rules.sandbox.SandboxPolicy.allowed;
import static io.pulse.rules.sandbox.SandboxPolicy.allowedSummary;
import static io.pulse.rules.sandbox.SandboxPolicy.changesSharedFact;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.drl.ast.descr.FunctionDescr;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The check of the Java classes Drools generated for a pack's then parts, evals and functions (the
 * bytes in each package's {@link JavaDialectRuntimeData} store): every class, method and field they
 * use must be allowed, whatever the spelling; a backward jump (a loop) and functions that call
 * themselves, directly or through others, are refused. Drools' own invoker classes, generated from
 * its templates without rule text, are not checked: they are told by the build's registry of
 * invokers, never by their names, and a function may not take the name of one.
 */
final class BytecodeScan {
    /** What the code Drools generates around a then part uses: the {@code drools}/{@code kcontext} helpers. */
    private static final Set<String> DROOLS_HELPERS = Set.of(
            "org.drools.core.rule.consequence.KnowledgeHelper", "org.drools.base.rule.consequence.ConsequenceContext",
            "org.kie.api.runtime.rule.RuleContext", "org.kie.api.runtime.rule.FactHandle",
            "org.kie.api.definition.rule.Rule", "org.drools.core.common.InternalFactHandle");

    /** Property masks Drools passes with the {@code update}/{@code modify} it generates. */
    private static final String DROOLS_BITMASKS = "org.drools.util.bitmask.";


    private BytecodeScan() {}

    /** Problems in the classes Drools generated for the pack's then parts, evals and functions. */
    static List<Problem> check(KieBase kieBase, DrlSource source) {
        List<Problem> problems = new ArrayList<>();
        for (KiePackage p : kieBase.getKiePackages()) {
            InternalKnowledgePackage pkg = (InternalKnowledgePackage) p;
            if (!(pkg.getDialectRuntimeRegistry().getDialectData("java") instanceof JavaDialectRuntimeData java)) {
                continue;
            }
            checkPackage(p, java, source, problems);
        }
        return problems;
    }

    private static void checkPackage(KiePackage p, JavaDialectRuntimeData java, DrlSource source,
                                     List<Problem> problems) {
        Set<String> invokers = invokers(java);
        // Generated rule class (internal name) -> rule name, from each rule's consequence invoker.
        Map<String, String> ruleOfClass = new HashMap<>();
        for (Rule r : p.getRules()) {
            RuleImpl rule = (RuleImpl) r;
            if (rule.getConsequence() != null) {
                String invoker = rule.getConsequence().getClass().getName().replace('.', '/');
                ruleOfClass.put(invoker.replaceFirst("DefaultConsequenceInvoker$", ""), rule.getName());
            }
        }
        // Function class (internal name: the package path and the capitalised function name) -> where it is.
        Map<String, Where> functions = new HashMap<>();
        for (DrlSource.DrlFile f : source.files()) {
            if (f.descr() != null && pkgPath(f.descr().getName()).equals(pkgPath(p.getName()))) {
                for (FunctionDescr fd : f.descr().getFunctions()) {
                    String name = fd.getName();
                    String className = pkgPath(p.getName()) + Character.toUpperCase(name.charAt(0)) + name.substring(1);
                    Where where = new Where(f.name(), fd.getLine(), fd.getLine(), "function " + name);
                    if (isInvoker(className, invokers)) {
                        problems.add(new Problem(where.file(), where.line(), "function " + name + " is named like a"
                                + " class Drools generates for a rule: give it another name"));
                    }
                    functions.put(className, where);
                }
            }
        }
        Set<String> generated = new HashSet<>();
        for (String entry : java.getStore().keySet()) {
            generated.add(entry.replaceFirst("\\.class$", ""));
        }
        Map<String, Set<String>> calls = new HashMap<>();
        for (Map.Entry<String, byte[]> e : java.getStore().entrySet()) {
            String className = e.getKey().replaceFirst("\\.class$", "");
            if (isInvoker(className, invokers) && !functions.containsKey(className)) {
                continue; // Drools' invokers, from its templates: registered as such by the build
            }
            Where where = functions.get(className);
            if (where == null) {
                where = ruleClassWhere(className, ruleOfClass, source);
            }
            Set<String> called = new HashSet<>();
            new ClassReader(e.getValue()).accept(new Scanner(where, generated, functions.keySet(), called, problems),
                    ClassReader.SKIP_FRAMES);
            if (functions.containsKey(className)) {
                calls.put(className, called);
            }
        }
        refuseRecursion(functions, calls, problems);
    }

    /**
     * The classes the build registered as invokers (internal names). Drools keeps them in a private
     * map with no getter; {@code BytecodeScanTest} pins that it is found.
     */
    static Set<String> invokers(JavaDialectRuntimeData java) {
        try {
            Field lookups = JavaDialectRuntimeData.class.getDeclaredField("invokerLookups");
            lookups.setAccessible(true);
            Set<String> invokers = new HashSet<>();
            for (Object name : ((Map<?, ?>) lookups.get(java)).keySet()) {
                invokers.add(name.toString().replace('.', '/'));
            }
            return invokers;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Drools version keeps its invokers elsewhere: the sandbox"
                    + " cannot tell them from rule code", e);
        }
    }

    private static boolean isInvoker(String className, Set<String> invokers) {
        if (invokers.contains(className)) {
            return true;
        }
        int nested = className.lastIndexOf('$');
        return nested > 0 && isInvoker(className.substring(0, nested), invokers);
    }

    /** Where a rule's class is written: the rule whose class name is the longest prefix of this one. */
    private static Where ruleClassWhere(String className, Map<String, String> ruleOfClass, DrlSource source) {
        String ruleClass = null;
        for (String r : ruleOfClass.keySet()) {
            if (className.startsWith(r) && (ruleClass == null || r.length() > ruleClass.length())) {
                ruleClass = r;
            }
        }
        if (ruleClass == null) {
            return new Where(source.locate("").file(), 0, 0, "generated class " + className);
        }
        String rule = ruleOfClass.get(ruleClass);
        DrlSource.RuleLocation at = source.locate(rule);
        return new Where(at.file(), at.line(), at.thenLine(), "rule \"" + rule + "\"");
    }

    /** A function that calls itself, directly or through others, could run without end. */
    private static void refuseRecursion(Map<String, Where> functions, Map<String, Set<String>> calls,
                                        List<Problem> problems) {
        for (String function : functions.keySet()) {
            List<String> cycle = cycleFrom(function, calls);
            if (cycle != null) {
                Where where = functions.get(function);
                String path = String.join(" -> ", cycle.stream()
                        .map(c -> functions.get(c).what().substring("function ".length())).toList());
                problems.add(new Problem(where.file(), where.line(), "in " + where.what() + ": recursion is not"
                        + " allowed in rules, it could run without end (" + path + ")"));
            }
        }
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
        private final Set<String> functions;
        private final Set<String> called;
        private final Set<String> reported = new HashSet<>();

        /** {@code called} collects the functions this class calls (internal names). */
        Scanner(Where where, Set<String> generated, Set<String> functions, Set<String> called, List<Problem> problems) {
            super(Opcodes.ASM9);
            this.where = where;
            this.generated = generated;
            this.functions = functions;
            this.called = called;
            this.problems = problems;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new RuleMethodCheck(name.equals("defaultConsequence"));
        }

        /** Checks one method's instructions; a then part's lines map back to the DRL line by line. */
        private final class RuleMethodCheck extends InstructionCheck {
            private final boolean consequence;
            private int firstLine = -1;
            private int line = -1;

            RuleMethodCheck(boolean consequence) {
                this.consequence = consequence;
            }

            @Override
            void line(int number) {
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

            @Override
            void refuse(String message) {
                int at = drlLine();
                if (reported.add(at + message)) {
                    problems.add(new Problem(where.file(), at, "in " + where.what() + ": " + message));
                }
            }

            @Override
            void call(String owner, String name) {
                if (functions.contains(owner)) {
                    called.add(owner);
                }
            }

            @Override
            void use(String owner, String member) {
                String type = typeOf(owner);
                if (type == null) {
                    return; // a primitive array
                }
                String className = type.replace('/', '.');
                if (member != null && DENIED_MEMBERS.containsKey(member)) {
                    refuse(className + "." + member + " is not allowed in rules: " + DENIED_MEMBERS.get(member));
                } else if (member != null && changesSharedFact(className, member)) {
                    refuse(className + "." + member + ": " + className.substring(className.lastIndexOf('.') + 1)
                            + " " + SHARED_FACT_CHANGED);
                } else if (!generated.contains(type) && !allowed(className) && !DROOLS_HELPERS.contains(className)
                        && !className.startsWith(DROOLS_BITMASKS)) {
                    refuse(className + (member == null ? "" : "." + member) + " is not allowed in rules: they may use "
                            + allowedSummary());
                }
            }
        }
    }
}
