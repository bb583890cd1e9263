package io.pulse.history;

import io.pulse.events.CustomerEvent;
import io.pulse.testing.TestEvents;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** After a restore the table is read again from its first row: what the checkpoint holds is dropped. */
class ReadPositionTest {
    private static final List<CustomerEvent> TABLE = List.of(
            TestEvents.activitySnapshot(TestEvents.ACME, TestEvents.day(0), "Low", "Stable"),
            TestEvents.activitySnapshot(TestEvents.GLOBEX, TestEvents.day(1), "High", "Declining"),
            TestEvents.activitySnapshot(TestEvents.ACME, TestEvents.day(2), "Medium", "Stable"),
            TestEvents.activitySnapshot(TestEvents.GLOBEX, TestEvents.day(3), "Low", "Growing"));

    private static OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new ReadPosition()));
    }

    private static void readTable(OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> h) throws Exception {
        for (CustomerEvent e : TABLE) { // the JDBC source reads a restored split from its first row again
            h.processElement(e, e.eventTime);
        }
    }

    private static List<Long> times(OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> h) {
        return h.extractOutputValues().stream().map(e -> e.eventTime).toList();
    }

    @Test
    void rowsInTheCheckpointAreDroppedWhenReadAgainAndTheRestFlowOn() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var first = harness()) {
            first.open();
            first.processElement(TABLE.get(0), TABLE.get(0).eventTime);
            first.processElement(TABLE.get(1), TABLE.get(1).eventTime);
            checkpoint = first.snapshot(1, 1);
            first.processElement(TABLE.get(2), TABLE.get(2).eventTime); // after the checkpoint: lost with the task
            assertThat(times(first)).hasSize(3);
        }
        OperatorSubtaskState second;
        try (var restored = harness()) {
            restored.initializeState(checkpoint);
            restored.open();
            readTable(restored);
            assertThat(times(restored)).containsExactly(TABLE.get(2).eventTime, TABLE.get(3).eventTime);
            second = restored.snapshot(2, 2);
        }
        // a second restore counts from the table's start too, not from the first restore
        try (var again = harness()) {
            again.initializeState(second);
            again.open();
            readTable(again);
            assertThat(times(again)).isEmpty();
        }
    }

    @Test
    void aFreshStartDropsNothing() throws Exception {
        try (var h = harness()) {
            h.open();
            readTable(h);
            assertThat(times(h)).hasSize(TABLE.size());
        }
    }
}
