package io.pulse.events;

import org.junit.jupiter.api.Test;

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
}
