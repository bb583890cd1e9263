package io.pulse.features;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

import java.time.Duration;

import static io.pulse.testing.TestEvents.endOfDay;

/**
 * Writes a savepoint (canonical format, as {@code flink savepoint} takes by default) of the features
 * operator on the heap state backend after the first {@link FeatureScenario#SNAPSHOT_DAY} + 1 days
 * of {@link FeatureScenario}: run on a version of
 * the job, it keeps that version's state layout as a test resource, so later versions are tested
 * against what it really wrote. Not a test: run it by hand.
 *
 * <pre>java -cp ... io.pulse.features.FeatureSnapshotWriter src/test/resources/io/pulse/features/NAME.savepoint</pre>
 */
public final class FeatureSnapshotWriter {
    private FeatureSnapshotWriter() {}

    public static void main(String[] args) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures>(
                new KeyedProcessOperator<>(new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1)))),
                e -> e.customerId, Types.STRING)) {
            h.open();
            FeatureScenario.feed(h, 0, FeatureScenario.SNAPSHOT_DAY);
            OperatorSubtaskState snapshot = h.snapshotWithLocalState(1, endOfDay(FeatureScenario.SNAPSHOT_DAY),
                    SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState();
            OperatorSnapshotUtil.writeStateHandle(snapshot, args[0]);
        }
    }
}
