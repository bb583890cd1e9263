package io.pulse.actions;

import io.pulse.jdbc.SqlDialect;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The job's writer of the CS queue: recommendations upserted into {@code recommended_actions} (see
 * {@link ActionSink} for what the upsert does) and score points into {@code score_history}, both in
 * one transaction per batch, so a customer's point and the actions of the same evaluation become
 * visible together, and SQLite has one writer for both.
 *
 * <p>A batch goes out when it holds {@link ActionSink.Batching#maxRows} rows or its oldest row has
 * waited {@link ActionSink.Batching#flushInterval}, and at every checkpoint and at the end of input
 * (at least once: a row written twice after a restart changes nothing, see {@link ActionSink}). A
 * failed batch is rolled back and retried on a new connection up to {@link #MAX_RETRIES} times, a
 * second more each time, then fails the task, and the job restarts from its last checkpoint.
 *
 * <p>Recommendations are applied in arrival order (a pair's changes must be); an
 * OPEN row takes the plain upsert, and a SUPERSEDED row, which carries its key only, the one that
 * copies the stored content ({@link ActionSink#UPSERT_RECOMMENDATION}); each statement's batch is
 * executed before the other's begins.
 */
public final class QueueSink implements Sink<Either<Recommendation, ScorePoint>> {
    private static final Logger LOG = LoggerFactory.getLogger(QueueSink.class);
    static final int MAX_RETRIES = 5;

    private final String url;
    private final int maxRows;
    private final long flushIntervalMs;

    public QueueSink(SinkDatabase db, ActionSink.Batching batching) {
        this.url = db.url();
        this.maxRows = batching.maxRows();
        this.flushIntervalMs = batching.flushInterval().toMillis();
    }

    /** The type of what this sink takes: a recommendation (left) or a score point (right). */
    public static TypeInformation<Either<Recommendation, ScorePoint>> type() {
        return new EitherTypeInfo<>(TypeInformation.of(Recommendation.class), TypeInformation.of(ScorePoint.class));
    }

    @Override
    public SinkWriter<Either<Recommendation, ScorePoint>> createWriter(WriterInitContext context) {
        return new Writer(url, new ActionSink.Batching(maxRows, Duration.ofMillis(flushIntervalMs)),
                context.getProcessingTimeService());
    }

    /** What a writer does between attempts at a failed batch. */
    @FunctionalInterface
    public interface RetryPause {
        /** Before attempt {@code attempt} + 1 (the first retry follows attempt 1). */
        void before(int attempt) throws InterruptedException;

        /** A second more after each failure: 1 s, 2 s, ... */
        RetryPause SECONDS = attempt -> Thread.sleep(1000L * attempt);
    }

    /** Writes in batches; usable without Flink (then only a full batch or {@link #flush} writes). */
    public static final class Writer implements SinkWriter<Either<Recommendation, ScorePoint>> {
        private final String url;
        private final ActionSink.Batching batching;
        private final ProcessingTimeService timers;
        private final RetryPause pause;
        private final List<Either<Recommendation, ScorePoint>> pending = new ArrayList<>();
        private boolean timerSet;
        private Connection connection;
        private PreparedStatement upsertOpen;
        private PreparedStatement upsertRetired;
        private PreparedStatement upsertPoint;

        /** @param timers flushes a batch whose oldest row has waited the interval; null: none */
        public Writer(String url, ActionSink.Batching batching, ProcessingTimeService timers) {
            this(url, batching, timers, RetryPause.SECONDS);
        }

        public Writer(String url, ActionSink.Batching batching, ProcessingTimeService timers, RetryPause pause) {
            this.url = url;
            this.batching = batching;
            this.timers = timers;
            this.pause = pause;
        }

        @Override
        public void write(Either<Recommendation, ScorePoint> row, Context context) throws IOException {
            pending.add(row);
            if (pending.size() >= batching.maxRows()) {
                writePending();
            } else if (timers != null && !timerSet) {
                timerSet = true;
                timers.registerTimer(timers.getCurrentProcessingTime() + batching.flushInterval().toMillis(), time -> {
                    timerSet = false;
                    writePending();
                });
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            writePending();
        }

        private void writePending() throws IOException {
            if (pending.isEmpty()) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    writeBatch();
                    pending.clear();
                    return;
                } catch (SQLException e) {
                    closeConnection();
                    if (attempt >= MAX_RETRIES) {
                        throw new IOException("cannot write a batch to the queue (" + pending.size() + " rows) after "
                                + (MAX_RETRIES + 1) + " attempts: " + e.getMessage(), e);
                    }
                    LOG.warn("Writing {} rows to the queue failed (attempt {} of {}); retrying: {}", pending.size(),
                            attempt + 1, MAX_RETRIES + 1, e.getMessage());
                    try {
                        pause.before(attempt + 1);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while retrying a write to the queue", interrupted);
                    }
                }
            }
        }

        /** The pending rows in one transaction: all or none. */
        private void writeBatch() throws SQLException {
            Connection c = connection();
            try {
                PreparedStatement batched = null;
                boolean points = false;
                for (Either<Recommendation, ScorePoint> row : pending) {
                    if (row.isRight()) {
                        ActionSink.bindScorePoint(upsertPoint, row.right());
                        upsertPoint.addBatch();
                        points = true;
                        continue;
                    }
                    Recommendation r = row.left();
                    PreparedStatement statement = Recommendation.SUPERSEDED.equals(r.getPipelineStatus())
                            ? upsertRetired : upsertOpen;
                    if (batched != null && batched != statement) {
                        batched.executeBatch(); // in order: this pair's earlier change first
                    }
                    ActionSink.bindRecommendation(statement, r);
                    statement.addBatch();
                    batched = statement;
                }
                if (batched != null) {
                    batched.executeBatch();
                }
                if (points) {
                    upsertPoint.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }

        private Connection connection() throws SQLException {
            if (connection == null) {
                connection = driver().connect(url, new Properties());
                connection.setAutoCommit(false);
                upsertOpen = connection.prepareStatement(ActionSink.UPSERT_OPEN_RECOMMENDATION);
                upsertRetired = connection.prepareStatement(ActionSink.UPSERT_RECOMMENDATION);
                upsertPoint = connection.prepareStatement(ActionSink.UPSERT_SCORE_POINT);
            }
            return connection;
        }

        /**
         * The URL's driver, loaded by name in this class's loader: on a session cluster DriverManager
         * hands a driver registered by an earlier job's loader to no later job.
         */
        private Driver driver() throws SQLException {
            try {
                return (Driver) Class.forName(SqlDialect.driverClass(url), true, QueueSink.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new SQLException("cannot load the JDBC driver for " + url, e);
            }
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("Closing a failed queue connection: {}", e.getMessage());
                }
                connection = null;
            }
        }

        /** Closes the connection; what is pending was after the last checkpoint, and is sent again on a restart. */
        @Override
        public void close() {
            closeConnection();
        }
    }
}
