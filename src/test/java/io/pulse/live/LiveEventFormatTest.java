package io.pulse.live;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import static io.pulse.testing.TestEvents.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveEventFormatTest {
    private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private final LiveEventFormat format = new LiveEventFormat(1_000, Duration.ofDays(1));

    @Test
    void anEventWrittenAsALineReadsBackTheSame() {
        CustomerEvent original = conversation("acme.example", NOW - 5_000, "Bug, Escalation", true);
        CustomerEvent read = format.parse(LiveEventFormat.toLine(original), NOW);
        assertThat(read.unreadableBecause).isNull();
        assertThat(read.type).isEqualTo(EventType.CONVERSATION_CREATED);
        assertThat(read.customerId).isEqualTo("acme.example");
        assertThat(read.eventTime).isEqualTo(original.eventTime);
        assertThat(read.source).isEqualTo(original.source);
        assertThat(read.conversation.tags).isEqualTo("Bug, Escalation");
        assertThat(read.conversation.botFirstResponse).isTrue();
    }

    @Test
    void epochMillisecondsAndUnknownFieldsAreAcceptedAndTheCustomerIsNormalised() {
        CustomerEvent e = format.parse("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \" Acme.Example \", \"eventTime\": "
                + NOW + ", \"usage\": {\"feature\": \"reports\", \"newField\": 1}, \"extra\": true}", NOW);
        assertThat(e.unreadableBecause).isNull();
        assertThat(e.customerId).isEqualTo("acme.example");
        assertThat(e.source).startsWith("live:").hasSize(21);
        assertThat(e.usage.feature).isEqualTo("reports");
    }

    @Test
    void aRowOfADeclaredTableReadsBackWithItsColumnsAndAMalformedOneSaysWhy() {
        String line = "{\"type\": \"ROW\", \"customerId\": \"acme.example\", \"eventTime\": \"2025-12-01T00:00:00Z\","
                + " \"source\": \"crm:r1\", \"row\": {\"table\": \"CRM_RENEWAL\", \"columns\": {\"renewal_date\":"
                + " \"2026-03-01\", \"arr\": 12000.5, \"auto_renew\": true, \"owner\": null}}}";
        CustomerEvent e = format.parse(line, NOW);
        assertThat(e.unreadableBecause).isNull();
        assertThat(e.type).isEqualTo(EventType.ROW);
        assertThat(e.row.table).isEqualTo("CRM_RENEWAL");
        assertThat(e.row.columns).containsExactly("renewal_date", "arr", "auto_renew", "owner");
        assertThat(e.row.values()).containsExactly("2026-03-01", 12000.5, true, null);
        CustomerEvent bigId = format.parse(line.replace("\"owner\": null", "\"owner\": 1234567890123456789"), NOW);
        assertThat(bigId.row.values[3]).as("every digit of a big integer").isEqualTo("1234567890123456789");
        CustomerEvent again = format.parse(LiveEventFormat.toLine(e), NOW);
        assertThat(again.row.values()).containsExactly(e.row.values());
        assertThat(again.row.columns).containsExactly(e.row.columns);

        assertThat(reason("{\"type\": \"ROW\", \"customerId\": \"a\", \"eventTime\": 1, \"row\": {\"columns\": {}}}"))
                .startsWith("row needs \"table\"");
        assertThat(reason("{\"type\": \"ROW\", \"customerId\": \"a\", \"eventTime\": 1, \"row\": {\"table\": \"T\","
                + " \"columns\": {\"tags\": [\"a\"]}}}")).isEqualTo("row column tags holds array; a column holds text, a"
                + " number, true/false or null");
    }

    @Test
    void eachKindOfBadLineSaysWhatIsWrong() {
        assertThat(reason("[1, 2]")).isEqualTo("not a JSON object");
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": 7, \"eventTime\": 1, \"usage\": {}}"))
                .isEqualTo("customerId must be non-empty text");
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": 1}"))
                .isEqualTo("missing field: usage (the payload of PRODUCT_USAGE)");
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": 1, \"usage\": 3}"))
                .isEqualTo("usage must be a JSON object");
        assertThat(reason("{\"type\": \"CONVERSATION_CLOSED\", \"customerId\": \"a\", \"eventTime\": 1,"
                + " \"conversation\": {\"rating\": \"five\"}}")).startsWith("wrong type: conversation.rating must be double");
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": \"x".repeat(400)))
                .startsWith("line too large");
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": "
                + (NOW + Duration.ofDays(2).toMillis()) + ", \"usage\": {}}")).contains("ahead of the clock");
    }

    @Test
    void anEventFurtherAheadOfTheClockThanTheToleranceIsDeadLetteredAndOneWithinItIsRead() {
        LiveEventFormat fiveMinutes = new LiveEventFormat(1_000, Duration.ofMinutes(5));
        String hourAhead = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": "
                + (NOW + Duration.ofHours(1).toMillis()) + ", \"usage\": {}}";
        CustomerEvent rejected = fiveMinutes.parse(hourAhead, NOW);
        assertThat(rejected.unreadableBecause).startsWith("ahead of the clock: ").contains("PT5M");
        assertThat(rejected.raw).isEqualTo(hourAhead);
        assertThat(rejected.eventTime).isEqualTo(NOW + Duration.ofHours(1).toMillis());
        String withinTolerance = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": "
                + (NOW + Duration.ofMinutes(5).toMillis()) + ", \"usage\": {}}";
        assertThat(fiveMinutes.parse(withinTolerance, NOW).unreadableBecause).isNull();
    }

    @Test
    void aLineWithoutASourceIsIdentifiedByItsContent() {
        String line = "{\"type\": \"TELEPATHY\"}";
        assertThat(format.parse(line, NOW).source).isEqualTo(format.parse(line, NOW).source)
                .isNotEqualTo(format.parse(line + " ", NOW).source);
    }

    @Test
    void isoTimesReadAsInstantParseReadsThem() {
        for (String time : new String[] {"2025-03-01T10:00:00Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999Z", "2025-03-01T10:00:00.5Z", "2025-03-01T10:00:00.05Z",
                "2025-03-01T10:00:00.123Z", "2025-03-01T10:00:00.1234Z", "2025-03-01T10:00:00.123456789Z",
                "2025-12-31T23:59:60Z", "2025-03-01t10:00:00z", "2025-03-01T24:00:00Z", "2025-03-01T10:00:00.Z"}) {
            assertThat(LiveEventFormat.parseInstant(time)).as(time).isEqualTo(Instant.parse(time).toEpochMilli());
        }
        for (String bad : new String[] {"2025-02-29T10:00:00Z", "2025-13-01T10:00:00Z", "2025-03-01T10:60:00Z",
                "2025-03-01T10:00:00.1234567890Z",
                "2025-03-01T10:00:0xZ", "2025-03-01 10:00:00Z", "2025-03-01T10:00:00"}) {
            assertThatThrownBy(() -> LiveEventFormat.parseInstant(bad)).as(bad)
                    .isInstanceOf(DateTimeParseException.class);
        }
        assertThat(reason("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"a\", \"eventTime\": \"2025-02-29T10:00:00Z\","
                + " \"usage\": {}}")).startsWith("eventTime \"2025-02-29T10:00:00Z\" is neither ISO-8601");
    }

    private String reason(String line) {
        CustomerEvent e = format.parse(line, NOW);
        assertThat(e.unreadableBecause).as("rejected: " + line).isNotNull();
        assertThat(e.raw).isNotNull();
        return e.unreadableBecause;
    }
}
