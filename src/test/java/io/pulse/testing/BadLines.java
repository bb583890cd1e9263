package io.pulse.testing;

import java.util.Map;
import java.util.TreeMap;

/** The bad-input corpus of live mode: each line, and what its dead letter's reason must say. */
public final class BadLines {
    private BadLines() {}

    /**
     * One line per kind of bad input. {@code t} is a valid live event time (after the history's
     * end), {@code historyEnd} the end of the history (a day before it is late).
     */
    public static Map<String, String> corpus(long t, long historyEnd) {
        Map<String, String> corpus = new TreeMap<>();
        corpus.put("{\"type\": \"ACCOUNT_SNAPSHOT\", \"customerId\": ", "malformed JSON");
        corpus.put("{\"customerId\": \"x.example\", \"eventTime\": 1, \"usage\": {}}", "missing field: type");
        corpus.put("{\"type\": \"TELEPATHY\", \"customerId\": \"x.example\", \"eventTime\": 1}", "unknown event type \"TELEPATHY\"");
        corpus.put("{\"type\": \"PRODUCT_USAGE\", \"eventTime\": " + t + ", \"usage\": {}}", "missing field: customerId");
        corpus.put("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"x.example\", \"eventTime\": \"yesterday\", \"usage\": {}}",
                "neither ISO-8601");
        corpus.put("{\"type\": \"CONVERSATION_CLOSED\", \"customerId\": \"x.example\", \"eventTime\": " + t
                + ", \"conversation\": {\"rating\": \"five\"}}", "wrong type: conversation.rating");
        corpus.put("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"x.example\", \"eventTime\": \"2099-01-01T00:00:00Z\","
                + " \"usage\": {}}", "ahead of the clock");
        corpus.put("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"x.example\", \"eventTime\": " + t
                + ", \"usage\": {\"feature\": \"" + "x".repeat(70_000) + "\"}}", "line too large");
        corpus.put("{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"x.example\", \"eventTime\": " + (historyEnd - 86_400_000L)
                + ", \"usage\": {\"feature\": \"reports\"}}", "late event");
        return corpus;
    }
}
