package io.pulse.server;

import io.pulse.actions.SinkDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;

/** The server tests' people (two agents' API tokens, a lead's) and their queue. */
final class ServerFixtures {
    static final String DANA_TOKEN = "dana-0123456789abcdef";
    static final String LEE_TOKEN = "lee-fedcba9876543210";
    /** Kim's token: a lead's, who may act on anyone's claimed action. */
    static final String KIM_TOKEN = "kim-lead-0123456789ab";
    static final ApiTokens TOKENS = ApiTokens.of(List.of("dana:" + DANA_TOKEN, "lee:" + LEE_TOKEN,
            "lead kim:" + KIM_TOKEN), "the test");
    /** A webhook's token: it may send events, nothing else. */
    static final String HOOK_TOKEN = "hook-00112233445566778899";
    /** The two people's queue tokens and the webhook's ingest token. */
    static final ApiTokens WITH_INGEST = TOKENS.and(ApiTokens.of(List.of("hook:" + HOOK_TOKEN), "the test",
            ApiTokens.Role.INGEST));

    private ServerFixtures() {}

    /** A valid live event line (product usage, 2025-03-01) of {@code customer}, with its own {@code source}. */
    static String event(String customer, String source) {
        return "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"" + customer + "\", \"eventTime\": \"2025-03-01T10:00:00Z\","
                + " \"source\": \"" + source + "\", \"usage\": {\"feature\": \"reports\"}}";
    }

    /** Due a week from now on the wall clock, which the server's queue runs on: not overdue during a test. */
    static io.pulse.model.Recommendation dueNextWeek(io.pulse.model.Recommendation r) {
        r.setDueAt(java.time.Instant.now().plus(java.time.Duration.ofDays(7)).toEpochMilli());
        return r;
    }

    /** A SQLite queue in {@code dir} with two OPEN actions: acme.com's URGENT_RETAIN first, then beta.io's. */
    static String queueOfTwo(Path dir) throws Exception {
        String url = "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
        SinkDatabase.of(url).createSchema();
        pipelineWrites(url, dueNextWeek(recommendation("beta.io", "CLOSE_MONITOR", 2, 40_000, 0)),
                dueNextWeek(recommendation("acme.com", "URGENT_RETAIN", 1, 90_000, 0)));
        return url;
    }
}
