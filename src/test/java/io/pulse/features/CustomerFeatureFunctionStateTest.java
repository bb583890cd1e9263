package io.pulse.features;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.pulse.features.FeatureScenario.DAYS;
import static io.pulse.features.FeatureScenario.SNAPSHOT_DAY;
import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The features operator's state across a restore from its own snapshot, on both state backends and
 * with snapshot compression on or off: the features emitted after the restore are those of a run
 * that was never stopped.
 */
class CustomerFeatureFunctionStateTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aRestoreMidWayContinuesWithTheSameFeatures(String backend) throws Exception {
        List<PeriodFeatures> expected = undisturbedAfterSnapshotDay(backend);
        OperatorSubtaskState snapshot;
        try (var h = harness(backend)) {
            h.open();
            FeatureScenario.feed(h, 0, SNAPSHOT_DAY);
            snapshot = h.snapshot(1, endOfDay(SNAPSHOT_DAY));
        }
        try (var h = harness(backend)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(FeatureScenario.feed(h, SNAPSHOT_DAY + 1, DAYS - 1))
                    .usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
        }
    }

    /** The heap backend's snapshots only: RocksDB's are its own (already compressed) files. */
    @Test
    void heapSnapshotsRestoreWhetherCompressedOrNotAndIntoEitherSetting() throws Exception {
        String backend = "hashmap";
        List<PeriodFeatures> expected = undisturbedAfterSnapshotDay(backend);
        OperatorSubtaskState plain = snapshotOfSnapshotDay(backend, false);
        OperatorSubtaskState compressed = snapshotOfSnapshotDay(backend, true);
        assertThat(compressed.getManagedKeyedState().iterator().next().getStateSize())
                .as("the compressed snapshot").isLessThan(plain.getManagedKeyedState().iterator().next().getStateSize());

        // A job that starts compressing resumes from its earlier checkpoints, and one that stops from its later ones.
        for (var restore : List.of(Map.entry(plain, true), Map.entry(compressed, false))) {
            try (var h = harness(backend)) {
                h.getExecutionConfig().setUseSnapshotCompression(restore.getValue());
                h.initializeState(restore.getKey());
                h.open();
                assertThat(FeatureScenario.feed(h, SNAPSHOT_DAY + 1, DAYS - 1))
                        .usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
            }
        }
    }

    private static OperatorSubtaskState snapshotOfSnapshotDay(String backend, boolean compressed) throws Exception {
        try (var h = harness(backend)) {
            h.getExecutionConfig().setUseSnapshotCompression(compressed);
            h.open();
            FeatureScenario.feed(h, 0, SNAPSHOT_DAY);
            return h.snapshot(1, endOfDay(SNAPSHOT_DAY));
        }
    }

    /** The features of the days after the snapshot day, from a run of every day that is never stopped. */
    private static List<PeriodFeatures> undisturbedAfterSnapshotDay(String backend) throws Exception {
        try (var h = harness(backend)) {
            h.open();
            FeatureScenario.feed(h, 0, SNAPSHOT_DAY);
            List<PeriodFeatures> after = FeatureScenario.feed(h, SNAPSHOT_DAY + 1, DAYS - 1);
            // What the restore must carry over is there to carry: an open plan-change window on the
            // first day after it, and the quiet customer's buckets, which leave without an event of its.
            assertThat(after).filteredOn(f -> f.asOf == endOfDay(SNAPSHOT_DAY + 1) && f.planChange != null)
                    .as("plan-change windows open across the snapshot").isNotEmpty();
            assertThat(CustomerRollingState.unpack(packed(h, FeatureScenario.QUIET), FeatureScenario.QUIET).days)
                    .as("the quiet customer's buckets, evicted").isEmpty();
            return after;
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> harness(
            String backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures>(
                new KeyedProcessOperator<>(new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1)))),
                e -> e.customerId, Types.STRING);
        if (backend.equals("rocksdb")) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    private static byte[] packed(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                 String customer) throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(customer);
        return Objects.requireNonNull(backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                CustomerFeatureFunction.CUSTOMER).value());
    }
}
