package io.pulse.actions;

import io.pulse.live.EventPublisher;
import io.pulse.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replaying dead letters and the schema migration that marks them, on SQLite and PostgreSQL. */
class DeadLetterReplayTest {
    @TempDir
    Path dir;

    private String url(String dialect) {
        return dialect.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("actions.sqlite")
                : EmbeddedPostgresServer.freshDatabaseUrl();
    }

    /** Collects what is published; fails the publish while {@code failing}. */
    private static final class Recorder implements EventPublisher {
        final List<Line> lines = new ArrayList<>();
        boolean failing;

        @Override
        public void publish(List<Line> batch) throws IOException {
            if (failing) {
                throw new IOException("disk full");
            }
            lines.addAll(batch);
        }

        @Override
        public void close() {}
    }

    private static void insert(SinkDatabase db, int count) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, 'late event', ?, NULL)")) {
            for (int i = 1; i <= count; i++) {
                ps.setString(1, "kafka:events-0@" + i);
                ps.setString(2, "{\"customerId\": \"C" + i + ".example \", \"n\": " + i + "}");
                ps.executeUpdate();
            }
        }
    }

    private static List<String> column(SinkDatabase db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anOldTableGetsTheReplayColumnsAndKeepsItsRows(String dialect) throws Exception {
        SinkDatabase db = SinkDatabase.of(url(dialect));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE dead_letters (" + db.dialect().idColumn() + ", source TEXT NOT NULL,"
                    + " reason TEXT NOT NULL, raw TEXT, event_time TEXT, UNIQUE (source, reason))");
            s.execute("INSERT INTO dead_letters (source, reason, raw) VALUES ('kafka:e-0@1', 'late event', '{}')");
        }
        db.createSchema();
        db.createSchema(); // idempotent

        assertThat(column(db, "SELECT source || '|' || COALESCE(replayed_at, '-') || '|' || COALESCE(replayed_to, '-')"
                + " FROM dead_letters")).containsExactly("kafka:e-0@1|-|-");
        Recorder to = new Recorder();
        new DeadLetterReplay(db, "kafka://k:9092/events", false).replay(
                new DeadLetters.Selection(true, null, null, null), to, r -> {});
        assertThat(to.lines).extracting(EventPublisher.Line::json).containsExactly("{}");
        assertThat(column(db, "SELECT replayed_to FROM dead_letters")).containsExactly("kafka://k:9092/events");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void replaysInBatchesOldestFirstKeyedByCustomerAndNeverTwice(String dialect) throws Exception {
        SinkDatabase db = SinkDatabase.of(url(dialect));
        db.createSchema();
        int rows = DeadLetterReplay.BATCH * 2 + 3;
        insert(db, rows);
        DeadLetterReplay replay = new DeadLetterReplay(db, "kafka://k:9092/events", false);
        DeadLetters.Selection all = new DeadLetters.Selection(true, null, null, null);
        assertThat(replay.dryRun(all)).hasSize(rows);

        Recorder to = new Recorder();
        List<Long> sent = new ArrayList<>();
        replay.replay(all, to, r -> sent.add(r.id()));
        assertThat(sent).hasSize(rows).isSorted();
        assertThat(to.lines).hasSize(rows);
        assertThat(to.lines.get(0)).isEqualTo(new EventPublisher.Line("c1.example",
                "{\"customerId\": \"C1.example \", \"n\": 1}"));
        assertThat(DeadLetters.census(db, all)).isEqualTo(new DeadLetters.Census(rows, rows, 0, 0));

        Recorder again = new Recorder();
        replay.replay(all, again, r -> {});
        assertThat(again.lines).isEmpty();
        assertThat(replay.dryRun(all)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFailedPublishMarksNothingOfItsBatch(String dialect) throws Exception {
        SinkDatabase db = SinkDatabase.of(url(dialect));
        db.createSchema();
        insert(db, 3);
        Recorder to = new Recorder();
        to.failing = true;
        DeadLetterReplay replay = new DeadLetterReplay(db, "d", true);
        DeadLetters.Selection all = new DeadLetters.Selection(true, null, null, null);
        assertThatThrownBy(() -> replay.replay(all, to, r -> {})).hasMessage("disk full");
        assertThat(column(db, "SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL")).containsExactly("3");

        to.failing = false;
        replay.replay(all, to, r -> {});
        assertThat(to.lines).hasSize(3);
    }

    @Test
    void onPostgresqlARowAnotherReplayHoldsIsSkipped() throws Exception {
        SinkDatabase db = SinkDatabase.of(url("postgresql"));
        db.createSchema();
        insert(db, 3);
        try (Connection other = db.connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.executeQuery("SELECT id FROM dead_letters WHERE id = 2 FOR UPDATE").close();
            Recorder to = new Recorder();
            new DeadLetterReplay(db, "d", true).replay(new DeadLetters.Selection(true, null, null, null), to, r -> {});
            assertThat(to.lines).extracting(l -> l.json()).hasSize(2).noneMatch(j -> j.contains("\"n\": 2}"));
            other.rollback();
        }
    }

    @Test
    void theKafkaKeyIsTheLinesCustomerWhenItHasOne() {
        assertThat(DeadLetterReplay.customerId("{\"customerId\": \" Acme.Example\"}")).isEqualTo("acme.example");
        assertThat(DeadLetterReplay.customerId("{\"customerId\": 7}")).isNull();
        assertThat(DeadLetterReplay.customerId("{\"type\": ")).isNull();
        assertThat(DeadLetterReplay.customerId("[1]")).isNull();
        assertThat(DeadLetterReplay.customerId("")).isNull();
    }
}
