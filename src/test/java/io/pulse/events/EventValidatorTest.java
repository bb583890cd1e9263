package io.pulse.events;

import io.pulse.flink.SideOutputs;
import io.pulse.model.DeadLetter;
import io.pulse.rules.facts.Account;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.pulse.testing.TestEvents.ACME;
import static io.pulse.testing.TestEvents.DAY_0;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;

class EventValidatorTest {

    @Test
    void acceptsACompleteEvent() {
        assertThat(EventValidator.problem(accountSnapshot(ACME, DAY_0, "Large", 1, 1))).isNull();
    }

    @Test
    void namesWhatIsMissing() {
        CustomerEvent unmapped = usage(null, DAY_0);
        assertThat(EventValidator.problem(unmapped)).startsWith("no customer matches");

        CustomerEvent timeless = usage(ACME, Long.MIN_VALUE);
        assertThat(EventValidator.problem(timeless)).isEqualTo("missing or unreadable event time");

        CustomerEvent empty = usage(ACME, DAY_0);
        empty.usage = null;
        assertThat(EventValidator.problem(empty)).isEqualTo("missing PRODUCT_USAGE payload");

        CustomerEvent untyped = usage(ACME, DAY_0);
        untyped.type = null;
        assertThat(EventValidator.problem(untyped)).isEqualTo("missing event type");
    }

    @Test
    void aDeadLetterKeepsTheLiveInputAsItArrivedAndWhereItArrived() throws Exception {
        // Unreadable (the parser's verdict) and invalid (the validator's own): both keep the input.
        CustomerEvent unreadable = CustomerEvent.unreadable("live:0123456789abcdef", "malformed JSON: x",
                " {\"type\": ", Long.MIN_VALUE);
        unreadable.origin = "/events/a.jsonl:3";
        CustomerEvent unmapped = usage(null, DAY_0);
        unmapped.raw = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"\", \"note\": \"\u00e9\"}\t";
        unmapped.origin = "kafka:events-2@41";

        List<DeadLetter> dead = validate(unreadable, unmapped);

        assertThat(dead).extracting(d -> d.raw).containsExactly(unreadable.raw, unmapped.raw);
        assertThat(dead).extracting(d -> d.source).containsExactly("/events/a.jsonl:3", "kafka:events-2@41");
        assertThat(dead).extracting(d -> d.reason).containsExactly("malformed JSON: x",
                EventValidator.problem(unmapped));
    }

    @Test
    void aHistoryRowsDeadLetterKeepsItsSourceAndTheEventReadFromIt() throws Exception {
        CustomerEvent unmapped = usage(null, DAY_0);
        assertThat(validate(unmapped)).singleElement().satisfies(d -> {
            assertThat(d.source).isEqualTo(unmapped.source);
            assertThat(d.raw).isEqualTo(unmapped.toString());
        });
    }

    @Test
    void everyEventTypeIsValidWithItsOwnPayloadAndMissingItWithAnothers() {
        for (EventType type : EventType.values()) {
            CustomerEvent own = withPayload(type, type);
            assertThat(own.payload()).as("%s's payload", type).isNotNull();
            assertThat(EventValidator.problem(own)).as("%s with its payload", type).isNull();

            EventType other = type == EventType.OUTCOME ? EventType.PRODUCT_USAGE : EventType.OUTCOME;
            CustomerEvent wrong = withPayload(type, other);
            assertThat(wrong.payload()).as("%s with an %s payload", type, other).isNull();
            assertThat(EventValidator.problem(wrong)).isEqualTo("missing " + type + " payload");
        }
    }

    @Test
    void aConversationEventCarriesTheConversationWhetherCreatedOrClosed() {
        CustomerEvent created = withPayload(EventType.CONVERSATION_CREATED, EventType.CONVERSATION_CREATED);
        CustomerEvent closed = withPayload(EventType.CONVERSATION_CLOSED, EventType.CONVERSATION_CLOSED);
        assertThat(created.payload()).isSameAs(created.conversation);
        assertThat(closed.payload()).isSameAs(closed.conversation);
    }

    @Test
    void aBlankCustomerIdMatchesNoCustomer() {
        assertThat(EventValidator.problem(usage(" \t", DAY_0))).startsWith("no customer matches");
        assertThat(EventValidator.problem(usage("", DAY_0))).startsWith("no customer matches");
    }

    @Test
    void theParsersVerdictComesBeforeTheValidatorsOwn() {
        CustomerEvent unreadable = CustomerEvent.unreadable("live:x", "line too long", "{...", Long.MIN_VALUE);
        assertThat(EventValidator.problem(unreadable)).isEqualTo("line too long");
    }

    @Test
    void validEventsPassThroughAndInvalidOnesGoToTheDeadLettersWithTheirEventTime() throws Exception {
        CustomerEvent valid = usage(ACME, DAY_0);
        CustomerEvent unmapped = usage(null, DAY_0 + 5);
        EventValidator validator = new EventValidator();
        try (OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(validator))) {
            harness.open();
            long before = System.currentTimeMillis();
            harness.processElement(new StreamRecord<>(valid, 0));
            long after = System.currentTimeMillis();
            long firstEventAt = validator.getRuntimeContext().<Long, Long>getAccumulator(EventValidator.FIRST_EVENT_AT)
                    .getLocalValue();
            assertThat(firstEventAt).as("wall clock of the first event").isBetween(before, after);
            harness.processElement(new StreamRecord<>(unmapped, 0));

            assertThat(harness.extractOutputValues()).as("the valid event, passed on")
                    .usingRecursiveFieldByFieldElementComparator().containsExactly(valid);
            assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).singleElement()
                    .satisfies(r -> assertThat(r.getValue().eventTime).isEqualTo(DAY_0 + 5));
            assertThat(validator.getRuntimeContext().<Long, Long>getAccumulator(EventValidator.EVENTS_IN)
                    .getLocalValue()).as("events in, valid or not").isEqualTo(2L);
            assertThat(validator.getRuntimeContext().<Long, Long>getAccumulator(EventValidator.FIRST_EVENT_AT)
                    .getLocalValue()).as("wall clock of the first event, after the second").isEqualTo(firstEventAt);
        }
    }

    @Test
    void aRowLeavesInItsDeclaredTablesColumnsAndTypesAndAnUndeclaredOrMistypedOneIsADeadLetter() throws Exception {
        DeclaredTable renewals = new DeclaredTable("CRM_RENEWAL", "crm__renewals", "created_at", "renewal_id",
                DeclaredTable.CustomerKey.COMPANY_ID, "company_id", List.of(new Column("renewal_date", ColumnType.DATE),
                new Column("arr", ColumnType.NUMBER), new Column("stage", ColumnType.TEXT)), 2);
        CustomerEvent good = row("CRM_RENEWAL", new String[] {"stage", "arr", "renewal_date", "extra"},
                new Object[] {"Open", "12000", "2026-03-01", "left out"});
        CustomerEvent undeclared = row("SURVEYS", new String[] {"score"}, new Object[] {9.0});
        CustomerEvent mistyped = row("CRM_RENEWAL", new String[] {"arr"}, new Object[] {"twelve"});
        try (OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EventValidator(List.of(renewals))))) {
            harness.open();
            for (CustomerEvent e : List.of(good, undeclared, mistyped)) {
                harness.processElement(new StreamRecord<>(e, 0));
            }
            assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
                assertThat(e.row.columns).containsExactly("renewal_date", "arr", "stage");
                assertThat(e.row.values()).containsExactly((double) java.time.Instant.parse("2026-03-01T00:00:00Z")
                        .toEpochMilli(), 12000.0, "Open");
            });
            assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).extracting(r -> r.getValue().reason)
                    .containsExactly("a row of table \"SURVEYS\", which the rule pack does not declare (declared in"
                            + " features.yaml: CRM_RENEWAL)", "CRM_RENEWAL.arr: \"twelve\" is not a number");
        }
    }

    @Test
    void aRowPayloadWithoutItsTableOrWithColumnsAndValuesThatDoNotPairIsRefused() {
        CustomerEvent noTable = row(null, new String[] {"a"}, new Object[] {1});
        CustomerEvent unpaired = row("CRM_RENEWAL", new String[] {"a", "b"}, new Object[] {1});
        CustomerEvent fine = row("CRM_RENEWAL", new String[] {"a"}, new Object[] {1});
        assertThat(EventValidator.problem(noTable)).isEqualTo("a ROW payload needs its table and its columns");
        assertThat(EventValidator.problem(unpaired)).isEqualTo("a ROW payload needs its table and its columns");
        assertThat(EventValidator.problem(fine)).isNull();
    }

    private static CustomerEvent row(String table, String[] columns, Object[] values) {
        CustomerEvent e = new CustomerEvent(EventType.ROW, ACME, DAY_0, "crm:" + table);
        e.row = CustomerEvent.Row.of(table, columns, values);
        return e;
    }

    @Test
    void anEventsTextNamesItsTypeCustomerTimeAndSource() {
        CustomerEvent e = usage(ACME, DAY_0);
        e.source = "pulse__product_usage:7";
        assertThat(e).hasToString("PRODUCT_USAGE(" + ACME + " @" + DAY_0 + " from pulse__product_usage:7)");
    }

    /** An event of {@code type} for ACME carrying only the payload field of {@code payloadOf}. */
    private static CustomerEvent withPayload(EventType type, EventType payloadOf) {
        CustomerEvent e = new CustomerEvent(type, ACME, DAY_0, "test");
        switch (payloadOf) {
            case ACCOUNT_SNAPSHOT -> e.account = new Account();
            case ACTIVITY_SNAPSHOT -> e.activity = new CustomerEvent.ActivitySnapshot();
            case FUNNEL_SNAPSHOT -> e.funnel = new CustomerEvent.FunnelSnapshot();
            case VALUE_SNAPSHOT -> e.value = new CustomerEvent.ValueSnapshot();
            case COMPANY_SNAPSHOT -> e.company = new CustomerEvent.CompanySnapshot();
            case CONVERSATION_CREATED, CONVERSATION_CLOSED -> e.conversation = new CustomerEvent.Conversation();
            case PRODUCT_USAGE -> e.usage = new CustomerEvent.ProductUsage();
            case PLAN_CHANGE -> e.planChange = new CustomerEvent.PlanChange();
            case OUTCOME -> e.outcome = new CustomerEvent.Outcome();
            case ROW -> e.row = CustomerEvent.Row.of("CRM_RENEWAL", new String[0], new Object[0]);
        }
        return e;
    }

    private static List<DeadLetter> validate(CustomerEvent... events) throws Exception {
        try (OneInputStreamOperatorTestHarness<CustomerEvent, CustomerEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EventValidator()))) {
            harness.open();
            for (CustomerEvent e : events) {
                harness.processElement(new StreamRecord<>(e, 0));
            }
            List<DeadLetter> dead = new ArrayList<>();
            harness.getSideOutput(SideOutputs.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            return dead;
        }
    }
}
