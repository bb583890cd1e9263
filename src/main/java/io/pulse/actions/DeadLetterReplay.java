package io.pulse.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pulse.jdbc.SqlDialect;
import io.pulse.live.EventPublisher;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Sends dead letters' raw input again, to where the live job reads (its watched directory or Kafka
 * topic), so it goes through the same validation as when it first arrived; each row sent is marked
 * ({@code replayed_at}, {@code replayed_to}) and never sent again.
 *
 * <p>Crash safety: a batch is published first and marked after, in one transaction that holds the
 * batch's rows from selection to mark (SQLite: the write lock; PostgreSQL: the rows, so a second
 * replay running at the same time skips them). A crash between the publish and the commit leaves the
 * batch unmarked, so the next replay sends it again: a duplicate, never a loss. The duplicate
 * carries the same line, hence the same event {@code source} (the line's own, or the hash of its
 * content): harmless once the job drops events by {@code source} (being added; until then a
 * duplicate conversation or usage event counts twice).
 */
public final class DeadLetterReplay {
    /** Rows per publish and transaction: what a crash can duplicate, and how long SQLite's write lock is held. */
    static final int BATCH = 500;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final SinkDatabase db;
    private final String destination;
    private final boolean oneLinePerEvent;

    /**
     * @param destination     where the publisher sends, as {@code replayed_to} records it
     * @param oneLinePerEvent the destination reads lines (a directory): a line break inside a raw
     *                        input (a Kafka value may hold one) is sent as a space, which JSON reads
     *                        the same outside a string and which a JSON string cannot hold unescaped
     */
    public DeadLetterReplay(SinkDatabase db, String destination, boolean oneLinePerEvent) {
        this.db = db;
        this.destination = destination;
        this.oneLinePerEvent = oneLinePerEvent;
    }

    /**
     * Publishes the replayable, not yet replayed rows of {@code selection} to {@code publisher}, oldest
     * first, and marks them; {@code sent} hears of each row once it is marked. A failed publish
     * leaves its batch unmarked and is thrown: the rows before it stay replayed.
     */
    public void replay(DeadLetters.Selection selection, EventPublisher publisher, Consumer<DeadLetters.Row> sent)
            throws SQLException, IOException {
        SqlDialect dialect = db.dialect();
        long after = 0;
        while (true) {
            List<DeadLetters.Row> batch;
            try (Connection c = db.connect()) {
                dialect.begin(c);
                try {
                    batch = DeadLetters.replayable(c, dialect, selection, after, BATCH, true);
                    if (!batch.isEmpty()) {
                        publisher.publish(lines(batch));
                        DeadLetters.markReplayed(c, batch, now(), destination);
                    }
                    dialect.commit(c);
                } catch (SQLException | IOException | RuntimeException e) {
                    dialect.rollback(c);
                    throw e;
                } finally {
                    dialect.end(c);
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            batch.forEach(sent);
            after = batch.get(batch.size() - 1).id();
        }
    }

    /** The rows {@link #replay} would send now, oldest first; nothing is published or marked. */
    public List<DeadLetters.Row> dryRun(DeadLetters.Selection selection) throws SQLException {
        List<DeadLetters.Row> rows = new ArrayList<>();
        try (Connection c = db.connect()) {
            long after = 0;
            List<DeadLetters.Row> batch;
            while (!(batch = DeadLetters.replayable(c, db.dialect(), selection, after, BATCH, false)).isEmpty()) {
                rows.addAll(batch);
                after = batch.get(batch.size() - 1).id();
            }
        }
        return rows;
    }

    /** The lines to publish for {@code rows}. */
    List<EventPublisher.Line> lines(List<DeadLetters.Row> rows) {
        List<EventPublisher.Line> lines = new ArrayList<>(rows.size());
        for (DeadLetters.Row r : rows) {
            String raw = oneLinePerEvent ? r.raw().replace('\r', ' ').replace('\n', ' ') : r.raw();
            lines.add(new EventPublisher.Line(customerId(r.raw()), raw));
        }
        return lines;
    }

    /**
     * The customer of a raw input (the Kafka key, so the customer's events share a partition): its
     * {@code customerId} trimmed and lower-cased as the job reads it; null when it has none readable.
     */
    static String customerId(String raw) {
        try {
            JsonNode id = JSON.readTree(raw).get("customerId");
            return id != null && id.isTextual() && !id.asText().isBlank()
                    ? id.asText().trim().toLowerCase(Locale.ROOT) : null;
        } catch (IOException | RuntimeException e) {
            return null; // malformed JSON: no key
        }
    }

    /** Now, ISO-8601 UTC to the second, as the sink's other times. */
    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
