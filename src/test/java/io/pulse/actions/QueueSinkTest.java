package io.pulse.actions;

import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.QueueFixtures;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue's writer on SQLite and PostgreSQL: order within a pair, idempotent batches, the score history. */
class QueueSinkTest {
    @TempDir
    Path dir;

    private String url(String database) throws Exception {
        String url = database.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("queue.sqlite")
                : EmbeddedPostgresServer.freshDatabaseUrl();
        SinkDatabase.of(url).createSchema();
        return url;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPairsChangesInOneBatchAreAppliedInTheOrderTheyCameWhateverElseIsInIt(String database) throws Exception {
        String url = url(database);
        Recommendation open = QueueFixtures.recommendation("zeta.com", "URGENT_RETAIN", 1, 9_000, 0);
        Recommendation retired = QueueFixtures.retired(open, QueueFixtures.day(1).toEpochMilli());
        Recommendation again = QueueFixtures.recommendation("zeta.com", "URGENT_RETAIN", 1, 9_500, 2);
        Recommendation other = QueueFixtures.recommendation("alpha.com", "VIP_NURTURE", 3, 100, 1);
        write(url, Either.Left(open), Either.Left(other), Either.Left(retired), Either.Left(again));

        assertThat(rows(url, "SELECT r.customer_id, h.from_status, h.to_status, h.note FROM action_history h"
                + " JOIN recommended_actions r ON r.id = h.action_id ORDER BY r.customer_id, h.id")).containsExactly(
                "alpha.com null OPEN recommended",
                "zeta.com null OPEN recommended",
                "zeta.com OPEN SUPERSEDED no longer recommended",
                "zeta.com SUPERSEDED OPEN recommended again");
        assertThat(rows(url, "SELECT status, predicted_6m_revenue, valid_as_of FROM recommended_actions"
                + " WHERE customer_id = 'zeta.com'")).containsExactly("OPEN 9500.0 2026-03-04T00:00:00Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aBatchWrittenAgainAfterARestartChangesNothing(String database) throws Exception {
        String url = url(database);
        List<Either<Recommendation, ScorePoint>> batch = List.of(
                Either.Left(QueueFixtures.recommendation("acme.com", "URGENT_RETAIN", 1, 9_000, 0)),
                Either.Right(point("acme.com", 0, 61.25, new double[] {10, 20, 10, 5, 5, 7, 4.25})),
                Either.Left(QueueFixtures.recommendation("acme.com", "URGENT_RETAIN", 1, 9_100, 1)),
                Either.Right(point("acme.com", 1, 59.5, new double[] {8.25, 20, 10, 5, 5, 7, 4.25})));
        write(url, batch);
        String everything = "SELECT * FROM score_history ORDER BY valid_as_of";
        List<String> points = rows(url, everything);
        List<String> history = rows(url, "SELECT at, from_status, to_status FROM action_history ORDER BY id");
        write(url, batch);
        assertThat(rows(url, everything)).isEqualTo(points).hasSize(2);
        assertThat(rows(url, "SELECT at, from_status, to_status FROM action_history ORDER BY id")).isEqualTo(history)
                .hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPointReScoredAtTheSameTimeReplacesTheOldOneAndAScoreWithoutInputsKeepsThemEmpty(String database)
            throws Exception {
        String url = url(database);
        write(url, Either.Right(point("acme.com", 3, 61.25, new double[] {10, 20, 10, 5, 5, 7, 4.25})));
        ScorePoint rescored = point("acme.com", 3, 48.0, null);
        rescored.healthBand = "Low";
        rescored.rulesetVersion = "v2";
        write(url, Either.Right(rescored));
        assertThat(rows(url, "SELECT valid_as_of, health_score, health_band, ruleset_version, recency_points,"
                + " employees_points FROM score_history")).containsExactly("2026-03-05T00:00:00Z 48.0 Low v2 null null");
    }

    private static ScorePoint point(String customer, int day, double score, double[] inputs) {
        return new ScorePoint(customer, QueueFixtures.day(day).toEpochMilli(), score, "Medium", "High", "High", 1_000,
                "v1", inputs);
    }

    @SafeVarargs
    private static void write(String url, Either<Recommendation, ScorePoint>... rows) throws Exception {
        write(url, List.of(rows));
    }

    private static void write(String url, List<Either<Recommendation, ScorePoint>> rows) throws Exception {
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(1_000, Duration.ofMinutes(1)), null, attempt -> { })) {
            for (Either<Recommendation, ScorePoint> row : rows) {
                writer.write(row, null);
            }
            writer.flush(true);
        }
    }

    private static List<String> rows(String url, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = SinkDatabase.of(url).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }

    @org.junit.jupiter.api.Test
    void aFullBatchGoesOutAtOnceAndTheRestWhenItsOldestRowHasWaitedTheInterval() throws Exception {
        String url = url("sqlite");
        ManualTimers timers = new ManualTimers(5_000);
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(2, Duration.ofMillis(200)), timers)) {
            writer.write(Either.Left(QueueFixtures.recommendation("a.com", "URGENT_RETAIN", 1, 1, 0)), null);
            assertThat(rows(url, "SELECT customer_id FROM recommended_actions")).as("one row of a batch of two").isEmpty();
            assertThat(timers.due).as("a flush 200 ms after the first row").containsExactly(5_200L);
            writer.write(Either.Left(QueueFixtures.recommendation("b.com", "URGENT_RETAIN", 1, 1, 0)), null);
            assertThat(rows(url, "SELECT customer_id FROM recommended_actions ORDER BY 1")).as("a full batch")
                    .containsExactly("a.com", "b.com");

            timers.fire(); // the first row's timer: nothing pending
            writer.write(Either.Left(QueueFixtures.recommendation("c.com", "URGENT_RETAIN", 1, 1, 0)), null);
            assertThat(timers.due).as("a new timer for the new batch").hasSize(1);
            assertThat(rows(url, "SELECT count(*) FROM recommended_actions")).containsExactly("2");
            timers.fire();
            assertThat(rows(url, "SELECT count(*) FROM recommended_actions")).as("written when its time came")
                    .containsExactly("3");
        }
    }

    @org.junit.jupiter.api.Test
    void aFailedBatchIsRetriedOnANewConnectionAndWrittenOnceTheDatabaseTakesIt() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("late.sqlite"); // no tables until the first retry
        List<Integer> pauses = new ArrayList<>();
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(10, Duration.ofMinutes(1)), null, attempt -> {
                    pauses.add(attempt);
                    try {
                        SinkDatabase.of(url).createSchema();
                    } catch (java.sql.SQLException e) {
                        throw new AssertionError(e);
                    }
                })) {
            writer.write(Either.Left(QueueFixtures.recommendation("a.com", "URGENT_RETAIN", 1, 1, 0)), null);
            writer.write(Either.Right(point("a.com", 0, 50, null)), null);
            writer.flush(false);
        }
        assertThat(pauses).as("one failure, one pause").containsExactly(1);
        assertThat(rows(url, "SELECT customer_id FROM recommended_actions")).containsExactly("a.com");
        assertThat(rows(url, "SELECT customer_id FROM score_history")).containsExactly("a.com");
    }

    @org.junit.jupiter.api.Test
    void aBatchTheDatabaseNeverTakesFailsAfterSixAttemptsSayingWhyAndWritesNothing() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("never.sqlite");
        List<Integer> pauses = new ArrayList<>();
        QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(10, Duration.ofMinutes(1)), null, pauses::add);
        writer.write(Either.Left(QueueFixtures.recommendation("a.com", "URGENT_RETAIN", 1, 1, 0)), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("cannot write a batch to the queue (1 rows) after 6 attempts:")
                .hasMessageContaining("no such table: recommended_actions");
        writer.close();
        assertThat(pauses).as("a pause before each retry, longer each time").containsExactly(1, 2, 3, 4, 5);
    }

    @org.junit.jupiter.api.Test
    void aBatchOnceWrittenIsNotSentAgainWithTheNext() throws Exception {
        String url = url("sqlite");
        try (Connection c = SinkDatabase.of(url).connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE rewrites (n INTEGER)");
            s.execute("CREATE TRIGGER counted AFTER UPDATE ON score_history BEGIN INSERT INTO rewrites VALUES (1); END");
        }
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(10, Duration.ofMinutes(1)), null)) {
            writer.write(Either.Right(point("a.com", 0, 50, null)), null);
            writer.flush(false);
            writer.write(Either.Right(point("a.com", 1, 51, null)), null);
            writer.flush(false);
        }
        assertThat(rows(url, "SELECT count(*) FROM score_history")).containsExactly("2");
        assertThat(rows(url, "SELECT count(*) FROM rewrites")).as("points written again").containsExactly("0");
    }

    @org.junit.jupiter.api.Test
    void closingTheWriterEndsItsDatabaseSessionAndClosingAgainIsHarmless() throws Exception {
        String url = url("postgresql");
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()";
        List<String> before = rows(url, sessions);
        QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(10, Duration.ofMinutes(1)), null);
        writer.write(Either.Right(point("a.com", 0, 50, null)), null);
        writer.flush(false);
        assertThat(rows(url, sessions)).as("the writer's session, beside this one").isNotEqualTo(before);
        writer.close();
        writer.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!rows(url, sessions).equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the server drops a closed session's row a moment later
        }
        assertThat(rows(url, sessions)).as("sessions after closing").isEqualTo(before);
    }

    /** Processing time that moves only when the test fires the timers due. */
    private static final class ManualTimers implements ProcessingTimeService {
        final List<Long> due = new ArrayList<>();
        private final List<ProcessingTimeService.ProcessingTimeCallback> callbacks = new ArrayList<>();
        private final long now;

        ManualTimers(long now) {
            this.now = now;
        }

        @Override
        public long getCurrentProcessingTime() {
            return now;
        }

        @Override
        public ScheduledFuture<?> registerTimer(long time, ProcessingTimeService.ProcessingTimeCallback callback) {
            due.add(time);
            callbacks.add(callback);
            return null;
        }

        void fire() throws Exception {
            List<ProcessingTimeService.ProcessingTimeCallback> firing = new ArrayList<>(callbacks);
            List<Long> times = new ArrayList<>(due);
            callbacks.clear();
            due.clear();
            for (int i = 0; i < firing.size(); i++) {
                firing.get(i).onProcessingTime(times.get(i));
            }
        }
    }
}
