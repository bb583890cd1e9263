package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.DENIED_MEMBERS;
import static io.pulse.rules.sandbox.SandboxPolicy.LOOP;
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
import java.util.regex.Pattern;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.drl.ast.descr.FunctionDescr;
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
 * The check of the Java classes Drools generated for a pack's then parts, evals and functions (the
 * bytes in each package's {@link JavaDialectRuntimeData} store): every class, method and field they
 * use must be allowed, whatever the spelling, and a backward jump (a loop) is refused. Drools' own
 * invoker classes, generated from its templates without rule text, are not checked.
 */
final class BytecodeScan {
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

    private BytecodeScan() {}

    /** Problems in the classes Drools generated for the pack's then parts, evals and functions. */
    static List<Problem> check(KieBase kieBase, DrlSource source) {
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
