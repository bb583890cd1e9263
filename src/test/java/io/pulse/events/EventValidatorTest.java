package io.pulse.events;

import io.pulse.flink.SideOutputs;
import io.pulse.model.DeadLetter;
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
