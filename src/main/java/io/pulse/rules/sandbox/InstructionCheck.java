package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.LOOP;
import static io.pulse.rules.sandbox.SandboxPolicy.MAX_ARRAY;

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
 * refuses method handles, unknown bootstraps, backward jumps (loops) and arrays whose size is not a
 * small constant (an allocation the rule would size). What may be used is the subclass's call.
 */
abstract class InstructionCheck extends MethodVisitor {
    /** Bootstrap methods of string concatenation and lambdas (javac/ecj output, not callable by name). */
    private static final Set<String> BOOTSTRAPS = Set.of(
            "java.lang.invoke.StringConcatFactory", "java.lang.invoke.LambdaMetafactory");

    private final Set<Label> seen = new HashSet<>();
    /** The int the previous instruction pushed, if it pushed a constant: the size of an array created next. */
    private Integer pushed;

    InstructionCheck() {
        super(Opcodes.ASM9);
    }

    /**
     * A type the method uses (internal name or array descriptor) and the member, null for the type
     * alone ({@code <init>} for a constructor).
     *
     * @param descriptor the method's descriptor, null for a field or the type alone
     * @param write      whether the member is a field the instruction writes
     */
    abstract void use(String owner, String member, String descriptor, boolean write);

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
        pushed = null; // another path may jump here with another value
    }

    @Override
    public void visitInsn(int opcode) {
        pushed = opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5 ? opcode - Opcodes.ICONST_0 : null;
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        if (opcode == Opcodes.NEWARRAY) {
            checkArraySize();
        }
        pushed = opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH ? operand : null;
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        pushed = null;
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        pushed = null;
    }

    private void checkArraySize() {
        if (pushed == null || pushed > MAX_ARRAY) {
            arrayOfChosenSize();
        }
    }

    /** An array is created whose size is not a small constant. */
    void arrayOfChosenSize() {
        refuse(ARRAY_OF_CHOSEN_SIZE);
    }

    static final String ARRAY_OF_CHOSEN_SIZE = "an array is not allowed in rules unless its size is a constant of at"
            + " most " + MAX_ARRAY + ": an allocation whose size the rule chooses";

    @Override
    public void visitLineNumber(int number, Label start) {
        line(number);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        call(owner, name);
        use(owner, name, descriptor, false);
        pushed = null;
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        use(owner, name, null, opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC);
        pushed = null;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        if (opcode == Opcodes.ANEWARRAY) {
            checkArraySize();
        }
        use(type, null, null, false);
        pushed = null;
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        refuse("arrays of arrays are not allowed in rules: an allocation whose size the rule chooses");
        pushed = null;
    }

    @Override
    public void visitLdcInsn(Object value) {
        pushed = value instanceof Integer i ? i : null;
        if (value instanceof Type t && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY)) {
            use(t.getDescriptor().startsWith("[") ? t.getDescriptor() : t.getInternalName(), null, null, false);
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
                use(h.getOwner(), h.getName(), h.getDesc(), false);
            }
        }
        pushed = null;
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        if (seen.contains(label)) {
            refuse(LOOP);
        }
        pushed = null;
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
        pushed = null;
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
            use(type, null, null, false);
        }
    }
}
