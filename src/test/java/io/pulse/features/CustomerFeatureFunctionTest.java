package io.pulse.features;

import io.pulse.flink.SideOutputs;
import io.pulse.events.CustomerEvent;
import io.pulse.model.DeadLetter;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.pulse.testing.TestEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

class CustomerFeatureFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CustomerFeatureFunction(Cadence.every(Duration.ofDays(1))), e -> e.customerId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(CustomerEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTime));
    }

    /** The day buckets the operator keeps for a customer, unpacked from its state. */
    private NavigableMap<Long, DayActivity> dayBuckets(String customer) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(customer);
        byte[] packed = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                CustomerFeatureFunction.CUSTOMER).value();
        return CustomerRollingState.unpack(packed, customer).days;
    }

    /** A harness on an operator that sends the rows declared features count. */
    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> observing()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CustomerFeatureFunction(
                Cadence.every(Duration.ofDays(1)), CorrectionHorizon.after(Long.MIN_VALUE, Duration.ofDays(2)), true),
                e -> e.customerId, Types.STRING);
    }

    private static List<String> shipped(PeriodFeatures f) {
        return f.observations == null ? List.of()
                : ObservationLog.unpack(f.observations).rows().stream().map(o -> o.source() + "@" + o.time()).toList();
    }

    @Test
    void observedRowsRideWithTheNextFeaturesOnceAndWaitWhenNoneAreEmitted() throws Exception {
        harness.close();
        harness = observing();
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30)); // no source of declared features
        send(usage(ACME, day(0) + 5));
        harness.processWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(f -> assertThat(shipped(f)).containsExactly("PRODUCT_USAGE@" + (day(0) + 5)));

        send(usage(ACME, day(1) + 5)); // usage alone: no features on day 1, the row waits
        harness.processWatermark(new Watermark(endOfDay(1)));
        assertThat(harness.extractOutputValues()).hasSize(1);

        send(conversation(ACME, day(2) + 7, "Implementation", false));
        harness.processWatermark(new Watermark(endOfDay(2)));
        List<PeriodFeatures> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(shipped(out.get(1))).containsExactly("PRODUCT_USAGE@" + (day(1) + 5),
                "CONVERSATION_CREATED@" + (day(2) + 7));

        send(usage(ACME, day(1) + 9)); // late, within the horizon: a correction, and its row is shipped
        harness.processWatermark(new Watermark(endOfDay(3)));
        out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(shipped(out.get(2))).containsExactly("PRODUCT_USAGE@" + (day(1) + 9));
    }

    @Test
    void anOperatorThatDoesNotObserveSendsNoRows() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        send(usage(ACME, day(0) + 5));
        harness.processWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).singleElement().satisfies(f -> assertThat(f.observations).isNull());
    }

    @Test
    void emitsFeaturesOnlyWhenTheWatermarkPassesThePeriodEnd() throws Exception {
        send(accountSnapshot(ACME, day(0) + 3_600_000, "Enterprise", 5, 100));
        harness.processWatermark(new Watermark(endOfDay(0) - 1));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(new Watermark(endOfDay(0)));
        List<PeriodFeatures> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).asOf).isEqualTo(endOfDay(0));
        assertThat(out.get(0).account.getSizeSegment()).isEqualTo("Enterprise");
    }

    @Test
    void latestSnapshotWinsWhateverTheArrivalOrder() throws Exception {
        send(accountSnapshot(ACME, day(0) + 7_200_000, "Large", 9, 10));
        send(accountSnapshot(ACME, day(0) + 3_600_000, "Small Business", 1, 1)); // older, arrives later
        harness.processWatermark(new Watermark(endOfDay(0)));
        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(f -> assertThat(f.account.getSizeSegment()).isEqualTo("Large"));
    }

    @Test
    void mergesTheCustomer360TablesIntoOneProfile() throws Exception {
        send(activitySnapshot(ACME, day(0) + 1, "High", "Declining"));
        send(valueSnapshot(ACME, day(0) + 2, "Gold", 25_000, 5));
        harness.processWatermark(new Watermark(endOfDay(0)));
        PeriodFeatures f = harness.extractOutputValues().get(0);
        assertThat(f.profile.getActivityRiskLevel()).isEqualTo("High");
        assertThat(f.profile.getEngagementVelocity()).isEqualTo("Declining");
        assertThat(f.profile.getCustomerTier()).isEqualTo("Gold");
        assertThat(f.profile.getMonetaryScore()).isEqualTo(5);
        assertThat(f.profile.isComplete()).isTrue();
    }

    @Test
    void countsConversationsInA30DayWindowAndEvictsOldBuckets() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        send(conversation(ACME, day(0) + 10, "Bug, Escalation", false));
        send(conversation(ACME, day(0) + 20, "topic:billing|first_response:bot", true));
        send(usage(ACME, day(1) + 5));
        send(accountSnapshot(ACME, day(1) + 6, "Large", 4, 30));
        harness.processWatermark(new Watermark(endOfDay(1)));
        List<PeriodFeatures> out = harness.extractOutputValues();
        PeriodFeatures dayOne = out.get(out.size() - 1);
        assertThat(dayOne.asOf).isEqualTo(endOfDay(1));
        assertThat(dayOne.support.getConversations30d()).isEqualTo(2);
        assertThat(dayOne.support.getBugOrOutageConversations30d()).isEqualTo(1);
        assertThat(dayOne.support.getEscalationConversations30d()).isEqualTo(2);
        assertThat(dayOne.support.getBotFirstConversations30d()).isEqualTo(1);
        assertThat(dayOne.support.getProductUsageEvents30d()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // customer state, the day buckets packed in it
        assertThat(dayBuckets(ACME)).hasSize(2);
        // A cleanup timer waits for the day the oldest bucket leaves the window.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        send(accountSnapshot(ACME, day(41) + 1, "Large", 40, 30));
        harness.processWatermark(new Watermark(endOfDay(41)));
        out = harness.extractOutputValues();
        PeriodFeatures quiet = out.get(out.size() - 1);
        assertThat(quiet.support.getConversations30d()).isZero();
        assertThat(quiet.support.getProductUsageEvents30d()).isZero();
        assertThat(dayBuckets(ACME)).as("buckets are kept 61 days for the plan-change windows").hasSize(2);

        harness.processWatermark(new Watermark(endOfDay(62))); // day 1's bucket leaves after day 62
        assertThat(dayBuckets(ACME)).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void productUsageAloneDoesNotTriggerAnEvaluation() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        harness.processWatermark(new Watermark(endOfDay(0)));
        send(usage(ACME, day(1) + 10));
        harness.processWatermark(new Watermark(endOfDay(1)));
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void aSupportConversationOpenedOrClosedTriggersAnEvaluation() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        send(conversation(ACME, day(1) + 10, "Bug", false));
        send(closed(ACME, day(3) + 10, 4));
        harness.processWatermark(new Watermark(endOfDay(3)));
        assertThat(harness.extractOutputValues()).extracting(f -> f.asOf)
                .containsExactly(endOfDay(0), endOfDay(1), endOfDay(3));
        PeriodFeatures afterClose = harness.extractOutputValues().get(2);
        assertThat(afterClose.support.getHoursSinceLastClose()).as("closed just after day 3 began").isEqualTo(23);
        assertThat(afterClose.support.getAverageRating30d()).isEqualTo(4.0);
    }

    @Test
    void anUpgradeOpensAThirtyDayWindowComparedWithTheThirtyDaysBefore() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        send(conversation(ACME, day(5) + 10, "Training", false));
        send(planChange(ACME, day(40) + 10, "Growth", "Scale", 900));
        for (int d = 41; d <= 45; d++) {
            send(conversation(ACME, day(d) + 10, "Bug", false));
            send(conversation(ACME, day(d) + 20, "Outage", false));
        }
        harness.processWatermark(new Watermark(endOfDay(45)));
        PeriodFeatures day45 = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(day45.planChange).isNotNull();
        assertThat(day45.planChange.getDirection()).isEqualTo("UPGRADE");
        assertThat(day45.planChange.getSource()).isEqualTo("plan change");
        assertThat(day45.planChange.getDaysSinceChange()).isEqualTo(5);
        assertThat(day45.planChange.getBaselineConversations()).as("day 5 is 35 days before day 40").isEqualTo(1);
        assertThat(day45.planChange.getPreConversations()).isZero();
        assertThat(day45.planChange.getPostConversations()).isEqualTo(10);
        assertThat(day45.planChange.getPostBugOrOutage()).isEqualTo(10);

        // Talk about an upgrade while the window is open does not restart it.
        send(conversation(ACME, day(50) + 10, "Upgrade Opportunity", false));
        harness.processWatermark(new Watermark(endOfDay(50)));
        PeriodFeatures day50 = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(day50.planChange.getDaysSinceChange()).isEqualTo(10);

        // The day after the window closes is evaluated without a window, though nothing happened.
        harness.processWatermark(new Watermark(endOfDay(71)));
        PeriodFeatures closedWindow = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
        assertThat(closedWindow.asOf).isEqualTo(endOfDay(71));
        assertThat(closedWindow.planChange).isNull();
    }

    @Test
    void aConversationAboutADowngradeOpensAWindowWhenNoneIsOpen() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        CustomerEvent talk = conversation(ACME, day(2) + 10, "topic:billing", false);
        talk.conversation.subject = "Seat downgrade discussion";
        send(talk);
        CustomerEvent mixed = conversation(ACME, day(1) + 10, "Upgrade Opportunity, Downgrade Risk", false);
        send(mixed);
        send(usage(ACME, day(3) + 10));
        harness.processWatermark(new Watermark(endOfDay(3)));
        List<PeriodFeatures> out = harness.extractOutputValues();
        assertThat(out.get(out.size() - 1).planChange).satisfies(w -> {
            assertThat(w.getDirection()).isEqualTo("DOWNGRADE");
            assertThat(w.getSource()).isEqualTo("conversation");
            assertThat(w.getDaysSinceChange()).isEqualTo(1);
            assertThat(w.getPreConversations()).as("the mixed one opened no window, and counts before").isEqualTo(1);
        });
    }

    @Test
    void theSubscriptionTakesTheLatestSegmentTagFromCompaniesAndConversations() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        send(companySnapshot(ACME, day(0) + 2, "Growth", 60, 2500, "tier:growth,segment:expansion,region:EMEA"));
        harness.processWatermark(new Watermark(endOfDay(0)));
        send(conversation(ACME, day(1) + 10, "topic:renewal|segment:churn_watch|first_response:bot", true));
        harness.processWatermark(new Watermark(endOfDay(1)));
        List<PeriodFeatures> out = harness.extractOutputValues();
        assertThat(out.get(0).subscription.getSegment()).isEqualTo("expansion");
        assertThat(out.get(0).subscription.getAcv()).isEqualTo(30_000);
        assertThat(out.get(1).subscription.getSegment()).isEqualTo("churn_watch");
        assertThat(out.get(1).subscription.getPlanName()).isEqualTo("Growth");
    }

    @Test
    void sendsLateEventsToTheDeadLetters() throws Exception {
        harness.processWatermark(new Watermark(endOfDay(3)));
        send(accountSnapshot(ACME, day(2), "Large", 1, 1));
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead = harness.getSideOutput(SideOutputs.DEAD_LETTERS);
        assertThat(dead).singleElement().satisfies(r -> assertThat(r.getValue().reason).startsWith("late event"));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aLateLiveEventsDeadLetterKeepsTheLineAsItArrivedAndWhere() throws Exception {
        harness.processWatermark(new Watermark(endOfDay(3)));
        String line = "{\"type\": \"PRODUCT_USAGE\",  \"customerId\": \"Acme.Example\", \"eventTime\": "
                + day(2) + ", \"usage\": {\"feature\": \"r\u00e9ports\"}}  ";
        CustomerEvent late = usage(ACME, day(2));
        late.raw = line;
        late.origin = "/events/batch-7.jsonl:12";
        send(late);
        assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).singleElement().satisfies(r -> {
            assertThat(r.getValue().reason).startsWith("late event");
            assertThat(r.getValue().raw).isEqualTo(line);
            assertThat(r.getValue().source).isEqualTo("/events/batch-7.jsonl:12");
        });
    }

    @Test
    void anOnTimeEventKeepsNoRawInputInState() throws Exception {
        CustomerEvent onTime = usage(ACME, day(0) + 5);
        onTime.raw = "{\"a\": 1}";
        onTime.origin = "/events/a.jsonl:1";
        send(onTime);
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(ACME);
        List<CustomerEvent> pending = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, CustomerFeatureFunction.PENDING_EVENTS).get(endOfDay(0));
        assertThat(pending).singleElement().satisfies(e -> {
            assertThat(e.raw).isNull();
            assertThat(e.origin).isNull();
        });
    }

    @Test
    void ignoresOutcomesSoTheRulesNeverSeeTheFuture() throws Exception {
        send(outcome(ACME, day(0) + 5, "churned"));
        harness.processWatermark(new Watermark(endOfDay(5)));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void doesNotReemitUnchangedFeatures() throws Exception {
        send(accountSnapshot(ACME, day(0) + 1, "Large", 3, 30));
        harness.processWatermark(new Watermark(endOfDay(0)));
        send(accountSnapshot(ACME, day(1) + 1, "Large", 3, 30)); // same values, a day later
        harness.processWatermark(new Watermark(endOfDay(1)));
        // The later snapshot is a new object with equal values: nothing the rules read changed.
        assertThat(harness.extractOutputValues()).hasSize(1);
    }
}
