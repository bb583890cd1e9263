package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.flink.SideOutputs;
import io.pulse.model.DeadLetter;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.conversation;
import static io.pulse.testing.TestEvents.day;
import static io.pulse.testing.TestEvents.endOfDay;
import static io.pulse.testing.TestEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Late events within the correction horizon correct the customer's features as an in-order run
 * would have them; beyond it they are dead letters; an event sent twice counts once.
 */
class LateCorrectionsTest {
    private static final String ACME = "acme.example";
    private static final Duration HORIZON = Duration.ofDays(5);
    private static final CorrectionHorizon FROM_THE_START = new CorrectionHorizon(HORIZON, Long.MIN_VALUE);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void eventsArrivingUpToTheHorizonLateLeaveEveryCustomerAsAnInOrderRunDoes(String backend) throws Exception {
        Map<String, byte[]> inOrder;
        try (var h = harness(backend, FROM_THE_START)) {
            h.open();
            FeatureScenario.feed(h, 0, FeatureScenario.DAYS + 5);
            inOrder = packedStates(h);
        }
        try (var h = harness(backend, FROM_THE_START)) {
            h.open();
            int held = feedWithSomeHeldBack(h, new Random(11));
            assertThat(held).as("events that arrived after their day was evaluated").isGreaterThan(100);
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).as("late letters").isNull();
            assertThat(packedStates(h)).as("each customer's state").usingRecursiveComparison().isEqualTo(inOrder);
            assertThat(loggedPeriods(h, "c0.example"))
                    .as("periods kept for corrections: one to two horizons'").isBetween(5, 11);
        }
    }

    @Test
    void aCorrectionRescoresTheCustomerAtTheNextPeriodEnd() throws Exception {
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.open();
            send(h, accountSnapshot(ACME, day(0) + 10, "Large", 1, 1));
            h.processWatermark(new Watermark(endOfDay(2)));
            h.getOutput().clear();

            send(h, conversation(ACME, day(1) + 500, "bug", false));
            assertThat(h.extractOutputValues()).as("nothing before the next period end").isEmpty();
            h.processWatermark(new Watermark(endOfDay(3)));
            assertThat(h.extractOutputValues()).singleElement().satisfies(f -> {
                assertThat(f.asOf).isEqualTo(endOfDay(3));
                assertThat(f.support.getConversations30d()).isEqualTo(1);
            });
        }
    }

    @Test
    void aLateSnapshotThatANewerOneReplacedChangesNothingAndIsNotRescored() throws Exception {
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.open();
            send(h, accountSnapshot(ACME, day(0) + 10, "Large", 1, 1));
            send(h, accountSnapshot(ACME, day(2) + 10, "Large", 2, 7));
            h.processWatermark(new Watermark(endOfDay(2)));
            h.getOutput().clear();
            byte[] before = packedStates(h).get(ACME);

            send(h, accountSnapshot(ACME, day(1) + 10, "Small Business", 9, 99));
            h.processWatermark(new Watermark(endOfDay(4)));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(packedStates(h).get(ACME)).isEqualTo(before);
        }
    }

    @Test
    void anEventBeyondTheHorizonIsADeadLetterThatSaysSo() throws Exception {
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.open();
            send(h, accountSnapshot(ACME, day(0) + 10, "Large", 1, 1));
            h.processWatermark(new Watermark(endOfDay(9)));
            send(h, usage(ACME, day(3) + 5));
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).singleElement().satisfies(r -> {
                DeadLetter d = r.getValue();
                assertThat(d.reason).startsWith("late event: more than PT120H behind the watermark")
                        .endsWith("(the correction horizon)");
            });
            send(h, usage(ACME, day(5) + 5));
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).as("within the horizon").hasSize(1);
        }
    }

    @Test
    void periodsBeforeTheLoggedOnesCannotBeCorrected() throws Exception {
        long from = endOfDay(3);
        try (var h = harness("hashmap", new CorrectionHorizon(HORIZON, from))) {
            h.open();
            send(h, accountSnapshot(ACME, day(0) + 10, "Large", 1, 1));
            h.processWatermark(new Watermark(endOfDay(5)));
            send(h, usage(ACME, day(2) + 5));
            send(h, usage(ACME, day(4) + 5));
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).singleElement()
                    .satisfies(r -> assertThat(r.getValue().eventTime).isEqualTo(day(2) + 5));
        }
    }

    @Test
    void aNewCustomersEventFromBeforeItsFirstIsACorrectionToo() throws Exception {
        try (var h = harness("hashmap", new CorrectionHorizon(HORIZON, endOfDay(0)))) {
            h.open();
            h.processWatermark(new Watermark(endOfDay(2)));
            send(h, accountSnapshot(ACME, day(3) + 10, "Large", 1, 1));
            h.processWatermark(new Watermark(endOfDay(3)));
            h.getOutput().clear();
            send(h, conversation(ACME, day(1) + 10, "bug", false));
            h.processWatermark(new Watermark(endOfDay(4)));
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).isNull();
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(f -> assertThat(f.support.getConversations30d()).isEqualTo(1));
        }
    }

    @Test
    void anEventSentAgainCountsOnceOnTimeLateAndAfterARestore() throws Exception {
        Map<String, byte[]> once;
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.open();
            send(h, conversation(ACME, day(0) + 10, "bug", false));
            send(h, conversation(ACME, day(1) + 10, "api", false));
            h.processWatermark(new Watermark(endOfDay(3)));
            once = packedStates(h);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.open();
            send(h, conversation(ACME, day(0) + 10, "bug", false));
            send(h, conversation(ACME, day(0) + 10, "bug", false));
            h.processWatermark(new Watermark(endOfDay(1)));
            send(h, conversation(ACME, day(0) + 10, "bug", false)); // late, already applied
            send(h, conversation(ACME, day(1) + 10, "api", false)); // late, new
            snapshot = h.snapshot(1, endOfDay(1));
        }
        try (var h = harness("hashmap", FROM_THE_START)) {
            h.initializeState(snapshot);
            h.open();
            send(h, conversation(ACME, day(1) + 10, "api", false)); // the retry after the restart
            h.processWatermark(new Watermark(endOfDay(3)));
            assertThat(packedStates(h)).usingRecursiveComparison().isEqualTo(once);
        }
    }

    @Test
    void aLiveLineRepeatingAHistoryRowCountsOnceAndAnUnseenOneCorrects() throws Exception {
        long historyEnd = endOfDay(5);
        Cadence cadence = Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures>(
                new KeyedProcessOperator<>(new CustomerFeatureFunction(cadence,
                        CorrectionHorizon.after(historyEnd, HORIZON))), e -> e.customerId, Types.STRING)) {
            h.open();
            send(h, accountSnapshot(ACME, day(1) + 10, "Large", 1, 1));
            send(h, conversation(ACME, day(5) + 10, "bug", false));
            h.processWatermark(new Watermark(historyEnd)); // the history's end: live from here
            byte[] afterHistory = packedStates(h).get(ACME);
            h.getOutput().clear();

            send(h, conversation(ACME, day(5) + 10, "bug", false)); // the same row, sent live
            h.processWatermark(new Watermark(historyEnd + 2_000));
            assertThat(h.extractOutputValues()).as("nothing changed, nothing re-scored").isEmpty();
            assertThat(packedStates(h).get(ACME)).isEqualTo(afterHistory);

            send(h, conversation(ACME, day(5) + 20, "api", false)); // one the history missed
            h.processWatermark(new Watermark(historyEnd + 4_000));
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(f -> assertThat(f.support.getConversations30d()).isEqualTo(2));
            assertThat(h.getSideOutput(SideOutputs.DEAD_LETTERS)).isNull();
        }
    }

    /**
     * The scenario's days with one event in seven held back 1-4 days (after its day was
     * evaluated), then sent in a shuffled batch; returns how many were held.
     */
    private static int feedWithSomeHeldBack(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                            Random random) throws Exception {
        TreeMap<Integer, List<CustomerEvent>> heldUntil = new TreeMap<>();
        int held = 0;
        for (int day = 0; day <= FeatureScenario.DAYS + 5; day++) {
            for (CustomerEvent e : FeatureScenario.sentOn(day)) {
                if (day < FeatureScenario.DAYS && random.nextInt(7) == 0) {
                    heldUntil.computeIfAbsent(day + 1 + random.nextInt(4), d -> new ArrayList<>()).add(e);
                    held++;
                } else {
                    send(h, e);
                }
            }
            h.processWatermark(new Watermark(endOfDay(day)));
            List<CustomerEvent> late = heldUntil.remove(day);
            if (late != null) {
                java.util.Collections.shuffle(late, random);
                for (CustomerEvent e : late) {
                    send(h, e);
                }
            }
        }
        return held;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                             CustomerEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> harness(
            String backend, CorrectionHorizon horizon) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures>(
                new KeyedProcessOperator<>(new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1)), horizon)),
                e -> e.customerId, Types.STRING);
        if (backend.equals("rocksdb")) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /** Every customer's packed state, by customer. */
    private static Map<String, byte[]> packedStates(
            KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h) throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        Map<String, byte[]> states = new TreeMap<>();
        List<String> keys = new ArrayList<>();
        backend.getKeys(CustomerFeatureFunction.CUSTOMER.getName(), VoidNamespace.INSTANCE).forEach(keys::add);
        for (String key : keys) {
            backend.setCurrentKey(key);
            states.put(key, backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    CustomerFeatureFunction.CUSTOMER).value());
        }
        return states;
    }

    private static int loggedPeriods(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                     String customer) throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(customer);
        MapState<Long, List<CustomerEvent>> logged = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, CustomerFeatureFunction.LOGGED_EVENTS);
        int n = 0;
        for (Long ignored : logged.keys()) {
            n++;
        }
        return n;
    }
}
