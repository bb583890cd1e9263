package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.DENIED_MEMBERS;
import static io.pulse.rules.sandbox.SandboxPolicy.LOOP;
import static io.pulse.rules.sandbox.SandboxPolicy.SHARED_FACT_CHANGED;
import static io.pulse.rules.sandbox.SandboxPolicy.allowed;
import static io.pulse.rules.sandbox.SandboxPolicy.allowedSummary;
import static io.pulse.rules.sandbox.SandboxPolicy.changesSharedFact;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Spike of #23: the check of every class the executable model generated for a pack (rule model
 * classes, the lambda classes of constraints, extractors, accumulate functions and consequences,
 * functions, declared types). Every class, method and field they use must be allowed, whatever the
 * spelling; a backward jump (a loop) is refused. Beyond the rules' allow-list, the generated code
 * may use Drools' model API ({@code org.drools.model}), through which it declares the rules and
 * reaches the {@code drools} helper of a then part.
 *
 * <p>Not yet: the DRL line of a problem (the generated Java has no DRL lines: problems name the
 * first DRL file of the package and the generated class) and the recursion check of functions.
 */
final class GeneratedBytecodeScan {
    /**
     * What any generated code, rule expressions included, may use beyond the rules' allow-list: the
     * functional interfaces the lambdas implement, the {@code drools} helper of a then part, the
     * property masks of a modify, Drools' null-safe comparisons, and the enum each lambda class is, the operators of {@code in}, {@code matches}, ...
     */
    static final List<String> RUNTIME_PREFIXES = List.of("org.drools.model.functions.", "org.drools.util.bitmask.",
            "org.drools.model.operators.");
    /** {@code D.eval(operator, ...)}: how a constraint with {@code in}, {@code matches}, ... evaluates its operator. */
    static final Set<String> RUNTIME_MEMBERS = Set.of("org.drools.modelcompiler.dsl.pattern.D.eval");
    static final Set<String> RUNTIME_CLASSES = Set.of("org.drools.model.Drools", "org.drools.model.BitMask",
            "org.drools.modelcompiler.util.EvaluationUtil", "org.kie.api.runtime.rule.FactHandle",
            "org.kie.api.runtime.rule.RuleContext", "java.lang.Enum");

    /**
     * What the classes that declare the rules (not the lambdas of their expressions) may use too:
     * Drools' model DSL.
     */
    static final List<String> DSL_PREFIXES = List.of("org.drools.model.", "org.drools.modelcompiler.dsl.");
    static final Set<String> DSL_CLASSES = Set.of("org.drools.util.DateUtils");

    private static final Set<String> BOOTSTRAPS = Set.of(
            "java.lang.invoke.StringConcatFactory", "java.lang.invoke.LambdaMetafactory");

    private GeneratedBytecodeScan() {}

    /**
     * @param classes  every generated class, internal name to bytes
     * @param skipped  classes Drools generates from the module descriptor, without rule text (the
     *                 project model), by exact internal name
     */
    static List<Problem> check(Map<String, byte[]> classes, Set<String> skipped, DrlSource source) {
        List<Problem> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (skipped.contains(e.getKey())) {
                continue;
            }
            String where = fileOf(e.getKey(), source);
            new ClassReader(e.getValue()).accept(new Scanner(where, e.getKey(), classes.keySet(), problems),
                    ClassReader.SKIP_FRAMES);
        }
        return problems;
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
        private final String file;
        private final String className;
        private final Set<String> generated;
        private final List<Problem> problems;
        private final Set<String> reported = new HashSet<>();
        /** Whether the class holds rule expressions only (a lambda class), so no DSL. */
        private final boolean lambdaClass;
        private boolean enumClass;
        private boolean inLambdaMethod;
        private String method = "";

        Scanner(String file, String className, Set<String> generated, List<Problem> problems) {
            super(Opcodes.ASM9);
            this.file = file;
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

        private void refuse(String message) {
            if (reported.add(message)) {
                problems.add(new Problem(file, 0, "in generated class " + className.replace('/', '.') + ": " + message));
            }
        }

        private void use(String owner, String member) {
            String type = owner.startsWith("[") ? Type.getType(owner).getElementType().getInternalName() : owner;
            if (type.length() == 1) {
                return;
            }
            String name = type.replace('/', '.');
            if (member != null && DENIED_MEMBERS.containsKey(member)) {
                refuse(name + "." + member + " is not allowed in rules: " + DENIED_MEMBERS.get(member));
            } else if (member != null && changesSharedFact(name, member)) {
                refuse(name + "." + member + ": " + name.substring(name.lastIndexOf('.') + 1) + " " + SHARED_FACT_CHANGED);
            } else if (enumClass && method.equals("values") && name.equals("java.lang.System") && "arraycopy".equals(member)) {
                return; // the values() of an enum (each lambda class is one), as ecj writes it
            } else if (!generated.contains(type) && !allowed(name) && !runtime(name)
                    && !(member != null && RUNTIME_MEMBERS.contains(name + "." + member))
                    && (lambdaClass || inLambdaMethod || !dsl(name))) {
                refuse(name + (member == null ? "" : "." + member) + " is not allowed in rules: they may use "
                        + allowedSummary());
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            method = name;
            inLambdaMethod = name.startsWith("lambda$");
            return new MethodVisitor(Opcodes.ASM9) {
                private final Set<Label> seen = new HashSet<>();

                @Override
                public void visitLabel(Label label) {
                    seen.add(label);
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    use(owner, n.startsWith("<") ? null : n);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    use(owner, n);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    use(type, null);
                }

                @Override
                public void visitMultiANewArrayInsn(String d, int dims) {
                    use(d, null);
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
                public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
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
                    backward(dflt, labels);
                }

                @Override
                public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                    backward(dflt, labels);
                }

                private void backward(Label dflt, Label[] labels) {
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
