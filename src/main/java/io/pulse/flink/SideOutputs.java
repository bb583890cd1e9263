package io.pulse.flink;

import io.pulse.model.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** Side outputs that several operators write to. */
public final class SideOutputs {
    /** Inputs that could not be processed: unmapped rows, missing fields, late events, rule failures. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private SideOutputs() {}
}
