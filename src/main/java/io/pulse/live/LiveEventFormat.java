package io.pulse.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.Account;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The live event format: one JSON object per line, the same events as the history tables.
 *
 * <pre>
 * {"type": "CONVERSATION_CREATED", "customerId": "acme.example", "eventTime": "2025-03-01T10:00:00Z",
 *  "conversation": {"conversationId": "1", "subject": "Export fails", "tags": "Bug, Escalation",
 *                   "botFirstResponse": false, "firstResponseMinutes": 12}}
 * </pre>
 *
 * {@code type} is an {@link EventType}; {@code eventTime} ISO-8601 or epoch milliseconds; the
 * payload sits under the field named for the type (account, activity, funnel, value, company,
 * conversation, usage, planChange, outcome) with the fields of {@link CustomerEvent}'s payload
 * classes. A row of a table the rule pack declares is {@code "type": "ROW", "row": {"table":
 * "RENEWAL_OPPORTUNITY", "columns": {"close_date": "2026-03-01", "amount": 12000}}}, typed by the
 * table's declaration where the events are validated. {@code source} is optional (a stable id; by default a hash of the line). Unknown fields
 * are ignored; a wrong-typed one is an error. Each line either becomes an event or a dead letter
 * whose reason says what is wrong.
 */
public final class LiveEventFormat implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final String TYPES = Arrays.stream(EventType.values()).map(Enum::name)
            .collect(Collectors.joining(", "));

    private final int maxLineBytes;
    private final Duration maxAheadOfClock;

    /**
     * @param maxLineBytes a longer line is rejected unread (a runaway payload)
     * @param maxAheadOfClock an event time further ahead of the wall clock is rejected ("ahead of the
     *                        clock": a producer's clock that runs fast, or a wrong time)
     */
    public LiveEventFormat(int maxLineBytes, Duration maxAheadOfClock) {
        this.maxLineBytes = maxLineBytes;
        this.maxAheadOfClock = maxAheadOfClock;
    }

    /** 64 KiB lines, event times at most {@value LiveDefaults#MAX_CLOCK_AHEAD} ahead of the clock. */
    public static LiveEventFormat defaults() {
        return new LiveEventFormat(64 * 1024, Duration.parse(LiveDefaults.MAX_CLOCK_AHEAD));
    }

    /**
     * The event of a line, or an {@link CustomerEvent#unreadable unreadable} one saying why the
     * line is no event (it goes to the dead letters); either way with the line as its
     * {@link CustomerEvent#raw raw} input.
     */
    public CustomerEvent parse(String line, long nowMs) {
        CustomerEvent e = readOrReject(line, nowMs);
        e.raw = line; // whatever becomes of it, its dead letter keeps the line as it came
        return e;
    }

    private CustomerEvent readOrReject(String line, long nowMs) {
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit: most lines need no encoding to measure.
        if (line.length() * 3L > maxLineBytes) {
            int bytes = line.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxLineBytes) {
                return CustomerEvent.unreadable(contentSource(line),
                        "line too large: " + bytes + " bytes, the limit is " + maxLineBytes, line, Long.MIN_VALUE);
            }
        }
        try {
            return read(line, nowMs);
        } catch (Rejected r) {
            return CustomerEvent.unreadable(r.source, r.getMessage(), line, r.eventTime);
        }
    }

    /** Why a line is no event, with the source and event time known when it was found. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final String source;
        final long eventTime;

        Rejected(String source, String reason, long eventTime) {
            super(reason, null, false, false); // no stack trace: a bad line is data, not a bug
            this.source = source;
            this.eventTime = eventTime;
        }

        Rejected(String source, String reason) {
            this(source, reason, Long.MIN_VALUE);
        }
    }

    private CustomerEvent read(String line, long nowMs) throws Rejected {
        JsonNode node = object(line);
        String source = source(node, line);
        EventType type = type(node, source);
        String customerId = customerId(node, source);
        long eventTime = eventTime(node, source, nowMs);
        CustomerEvent e = new CustomerEvent(type, customerId, eventTime, source);
        setPayload(e, node);
        if (type == EventType.ACCOUNT_SNAPSHOT) {
            e.account.setCustomerId(e.customerId);
        }
        return e;
    }

    private static JsonNode object(String line) throws Rejected {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new Rejected(contentSource(line), "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Rejected(contentSource(line), "not a JSON object");
        }
        return node;
    }

    /** The line's {@code source}, or one made from its content when it names none. */
    private static String source(JsonNode node, String line) throws Rejected {
        JsonNode given = node.get("source");
        if (given == null || given.isNull()) {
            return contentSource(line);
        }
        if (!given.isTextual()) {
            throw new Rejected(contentSource(line), "source must be text");
        }
        return given.asText();
    }

    private static EventType type(JsonNode node, String source) throws Rejected {
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            throw new Rejected(source, "missing field: type");
        }
        try {
            return EventType.valueOf(type.asText());
        } catch (IllegalArgumentException e) {
            throw new Rejected(source, "unknown event type \"" + type.asText() + "\" (one of " + TYPES + ")");
        }
    }

    /** The customer id, trimmed and lower-cased. */
    private static String customerId(JsonNode node, String source) throws Rejected {
        JsonNode customer = node.get("customerId");
        if (customer == null || !customer.isTextual() || customer.asText().isBlank()) {
            throw new Rejected(source, customer == null || customer.isNull() ? "missing field: customerId"
                    : "customerId must be non-empty text");
        }
        return customer.asText().trim().toLowerCase(Locale.ROOT);
    }

    private long eventTime(JsonNode node, String source, long nowMs) throws Rejected {
        JsonNode time = node.get("eventTime");
        long eventTime;
        if (time == null || time.isNull()) {
            throw new Rejected(source, "missing field: eventTime");
        } else if (time.isIntegralNumber()) {
            eventTime = time.asLong();
        } else {
            try {
                eventTime = parseInstant(time.asText());
            } catch (DateTimeParseException e) {
                throw new Rejected(source, "eventTime \"" + time.asText()
                        + "\" is neither ISO-8601 (2025-03-01T10:00:00Z) nor epoch milliseconds");
            }
        }
        if (eventTime > nowMs + maxAheadOfClock.toMillis()) {
            throw new Rejected(source, "ahead of the clock: eventTime " + Instant.ofEpochMilli(eventTime)
                    + " is more than " + maxAheadOfClock + " ahead of the wall clock " + Instant.ofEpochMilli(nowMs),
                    eventTime);
        }
        return eventTime;
    }

    /** Reads the payload under the field named for the event's type into the event. */
    private static void setPayload(CustomerEvent e, JsonNode node) throws Rejected {
        String field = payloadField(e.type);
        JsonNode payload = node.get(field);
        if (payload == null || payload.isNull()) {
            throw new Rejected(e.source, "missing field: " + field + " (the payload of " + e.type + ")", e.eventTime);
        }
        if (!payload.isObject()) {
            throw new Rejected(e.source, field + " must be a JSON object", e.eventTime);
        }
        if (e.type == EventType.ROW) {
            e.row = row(e, payload);
            return;
        }
        try {
            readPayload(e, payload);
        } catch (MismatchedInputException ex) {
            throw new Rejected(e.source, "wrong type: " + field + "." + path(ex) + " " + expected(ex), e.eventTime);
        } catch (JsonProcessingException ex) {
            throw new Rejected(e.source, "unreadable " + field + ": " + ex.getOriginalMessage(), e.eventTime);
        }
    }

    private static String path(MismatchedInputException ex) {
        return ex.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String expected(MismatchedInputException ex) {
        String target = ex.getTargetType() == null ? "another type" : ex.getTargetType().getSimpleName();
        if (ex instanceof InvalidFormatException f) {
            return "must be " + target + ", not " + f.getValue();
        }
        return "must be " + target;
    }

    static String payloadField(EventType type) {
        return switch (type) {
            case ACCOUNT_SNAPSHOT -> "account";
            case ACTIVITY_SNAPSHOT -> "activity";
            case FUNNEL_SNAPSHOT -> "funnel";
            case VALUE_SNAPSHOT -> "value";
            case COMPANY_SNAPSHOT -> "company";
            case CONVERSATION_CREATED, CONVERSATION_CLOSED -> "conversation";
            case PRODUCT_USAGE -> "usage";
            case PLAN_CHANGE -> "planChange";
            case ROW -> "row";
            case OUTCOME -> "outcome";
        };
    }

    private static void readPayload(CustomerEvent e, JsonNode p) throws JsonProcessingException {
        switch (e.type) {
            case ACCOUNT_SNAPSHOT -> e.account = JSON.treeToValue(p, Account.class);
            case ACTIVITY_SNAPSHOT -> e.activity = JSON.treeToValue(p, CustomerEvent.ActivitySnapshot.class);
            case FUNNEL_SNAPSHOT -> e.funnel = JSON.treeToValue(p, CustomerEvent.FunnelSnapshot.class);
            case VALUE_SNAPSHOT -> e.value = JSON.treeToValue(p, CustomerEvent.ValueSnapshot.class);
            case COMPANY_SNAPSHOT -> e.company = JSON.treeToValue(p, CustomerEvent.CompanySnapshot.class);
            case CONVERSATION_CREATED, CONVERSATION_CLOSED ->
                    e.conversation = JSON.treeToValue(p, CustomerEvent.Conversation.class);
            case PRODUCT_USAGE -> e.usage = JSON.treeToValue(p, CustomerEvent.ProductUsage.class);
            case PLAN_CHANGE -> e.planChange = JSON.treeToValue(p, CustomerEvent.PlanChange.class);
            case ROW -> throw new IllegalStateException("a row is read by row()");
            case OUTCOME -> e.outcome = JSON.treeToValue(p, CustomerEvent.Outcome.class);
        }
    }

    /**
     * A declared table's row: {@code {"table": "RENEWAL_OPPORTUNITY", "columns": {"close_date":
     * "2026-03-01", "amount": 12000}}}; the validator types the values by the table's declaration.
     */
    private static CustomerEvent.Row row(CustomerEvent e, JsonNode p) throws Rejected {
        JsonNode table = p.get("table");
        JsonNode columns = p.get("columns");
        if (table == null || !table.isTextual() || columns == null || !columns.isObject()) {
            throw new Rejected(e.source, "row needs \"table\" (a table features.yaml declares) and \"columns\""
                    + " (an object of column: value)", e.eventTime);
        }
        String[] names = new String[columns.size()];
        Object[] values = new Object[columns.size()];
        int i = 0;
        for (var it = columns.fields(); it.hasNext(); i++) {
            var column = it.next();
            JsonNode v = column.getValue();
            names[i] = column.getKey();
            if (v.isContainerNode()) {
                throw new Rejected(e.source, "row column " + column.getKey() + " holds "
                        + v.getNodeType().name().toLowerCase(Locale.ROOT)
                        + "; a column holds text, a number, true/false or null", e.eventTime);
            }
            values[i] = v.isNull() ? null : v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText();
        }
        return CustomerEvent.Row.of(table.asText(), names, values);
    }

    /** The source of a line that names none: {@code live:} and the first 16 hex digits of its SHA-256. */
    private static String contentSource(String line) {
        byte[] digest = SHA_256.get().digest(line.getBytes(StandardCharsets.UTF_8));
        return "live:" + HexFormat.of().formatHex(digest, 0, 8);
    }

    /** Looking the algorithm up is a good part of hashing a short line: one instance per thread. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /**
     * ISO-8601 UTC time to epoch ms, as {@link Instant#parse} reads it. The usual form
     * ({@code 2025-03-01T10:00:00Z}, optionally with a fraction of a second) is read directly:
     * {@code Instant.parse} costs more than the rest of a line's parsing.
     */
    static long parseInstant(String text) {
        int n = text.length();
        if (n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z'
                && text.charAt(0) != '+' && text.charAt(0) != '-') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = 0;
            boolean wellFormed = year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0;
            if (n > 20) { // a fraction: '.', then 1 to 9 digits
                int fraction = text.charAt(19) == '.' && n > 21 ? digits(text, 20, n - 1) : -1;
                wellFormed &= fraction >= 0;
                nanos = fraction < 0 ? 0 : fraction * POWERS_OF_TEN[30 - n];
            }
            if (wellFormed && hour < 24 && second < 60) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                } catch (DateTimeException e) {
                    // out of range (month 13, February 30): Instant.parse says why
                }
            }
        }
        return Instant.parse(text).toEpochMilli();
    }

    /** 10^(9 - fraction digits): scales a fraction of 1 to 9 digits to nanoseconds. */
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The decimal number in {@code text[from, to)}, or -1 unless it is all ASCII digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** One event as a JSON line (the generator's live output and the tests write with this). */
    public static String toLine(CustomerEvent e) {
        com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
        n.put("type", e.type.name());
        n.put("customerId", e.customerId);
        n.put("eventTime", Instant.ofEpochMilli(e.eventTime).toString());
        if (e.source != null) {
            n.put("source", e.source);
        }
        if (e.type == EventType.ROW) {
            com.fasterxml.jackson.databind.node.ObjectNode row = n.putObject("row").put("table", e.row.table);
            com.fasterxml.jackson.databind.node.ObjectNode columns = row.putObject("columns");
            for (int i = 0; i < e.row.columns.length; i++) {
                columns.set(e.row.columns[i], JSON.valueToTree(e.row.value(i)));
            }
        } else {
            n.set(payloadField(e.type), JSON.valueToTree(e.payload()));
        }
        return n.toString();
    }
}
