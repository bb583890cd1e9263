package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.LOOP;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Visits one generated method's instructions: hands every type and member it uses to {@link #use},
 * whatever the instruction (call, field, new, cast, constant, method handle, exception type), and
 * refuses method handles, unknown bootstraps and backward jumps (loops). What may be used is the
 * subclass's call: the classic compiler's classes and the executable model's differ in the Drools
 * classes around the rule code.
 */
abstract class InstructionCheck extends MethodVisitor {
    /** Bootstrap methods of string concatenation and lambdas (javac/ecj output, not callable by name). */
    private static final Set<String> BOOTSTRAPS = Set.of(
            "java.lang.invoke.StringConcatFactory", "java.lang.invoke.LambdaMetafactory");

    private final Set<Label> seen = new HashSet<>();

    InstructionCheck() {
        super(Opcodes.ASM9);
    }

    /** A type the method uses (internal name or array descriptor) and the member, null for the type alone. */
    abstract void use(String owner, String member);

    /** A problem at the method's current line. */
    abstract void refuse(String message);

    /** A call, seen before its use is judged (for the call graph of functions). */
    void call(String owner, String name) {}

    /** The source line of the instructions that follow. */
    void line(int number) {}

    /** The type an owner or descriptor names: the element type of an array, null for a primitive array. */
    static String typeOf(String owner) {
        String type = owner.startsWith("[") ? Type.getType(owner).getElementType().getInternalName() : owner;
        return type.length() == 1 ? null : type;
    }

    @Override
    public void visitLabel(Label label) {
        seen.add(label);
    }

    @Override
    public void visitLineNumber(int number, Label start) {
        line(number);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        call(owner, name);
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
}
