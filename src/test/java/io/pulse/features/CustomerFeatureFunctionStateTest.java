package io.pulse.features;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.pulse.features.FeatureScenario.DAYS;
import static io.pulse.features.FeatureScenario.SNAPSHOT_DAY;
import static io.pulse.testing.TestEvents.endOfDay;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The features operator's state across a restore, on both state backends: from its own snapshot,
 * and from a savepoint of the layout before the packed state, taken by that version of the operator
 * on the heap backend ({@link FeatureSnapshotWriter} run on {@code c30a6d9}, kept in the test
 * resources). Either way the features emitted after the restore are those of a run that was never
 * stopped.
 */
class CustomerFeatureFunctionStateTest {
    private static final String BEFORE_PACKING = "customer-features-before-packing.savepoint";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointFromBeforePackingRestoresAndContinuesWithTheSameFeatures(String backend) throws Exception {
        List<PeriodFeatures> expected = undisturbedAfterSnapshotDay(backend);
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(resource(BEFORE_PACKING));
        try (var h = harness(backend)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(keys(h, CustomerFeatureFunction.CUSTOMER_BEFORE_PACKING)).as("customers in the old layout")
                    .hasSize(FeatureScenario.CUSTOMERS);
            assertThat(keys(h, CustomerFeatureFunction.CUSTOMER)).isEmpty();

            List<PeriodFeatures> restored = FeatureScenario.feed(h, SNAPSHOT_DAY + 1, DAYS - 1);

            assertThat(restored).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
            assertThat(keys(h, CustomerFeatureFunction.CUSTOMER_BEFORE_PACKING))
                    .as("every customer moved to the packed state, the quiet one by its buckets' timer").isEmpty();
            assertThat(keys(h, CustomerFeatureFunction.CUSTOMER)).hasSize(FeatureScenario.CUSTOMERS);
        }
    }

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

    /** The customers that hold a value of the state. */
    private static List<String> keys(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                     StateDescriptor<?, ?> state) throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        try (Stream<String> keys = backend.getKeys(state.getName(), VoidNamespace.INSTANCE)) {
            return keys.collect(Collectors.toList());
        }
    }

    private static byte[] packed(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                 String customer) throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(customer);
        return Objects.requireNonNull(backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                CustomerFeatureFunction.CUSTOMER).value());
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(CustomerFeatureFunctionStateTest.class.getResource(name)).toURI()).toString();
    }
}
