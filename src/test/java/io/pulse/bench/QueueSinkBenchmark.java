package io.pulse.bench;

import io.pulse.actions.ActionSink;
import io.pulse.actions.QueueSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.evaluation.RuleEvaluationFunction;
import io.pulse.job.PulseJob;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.CloseableIterator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The queue sink's write cost per evaluation, before and after the score history: the rows a real
 * replay of a history emits (recommendations and score points, in the order the sink gets them) are
 * captured once, then written into fresh SQLite queues, alternating, on one thread:
 * <ul>
 *   <li>{@code recommendations only}: what the sink wrote before the score history, one upsert for
 *       every row (the one that reads the stored row), in transactions of 2,000 rows;</li>
 *   <li>{@code with score history}: {@link QueueSink.Writer}, recommendations and points in
 *       transactions of 2,000 rows.</li>
 * </ul>
 * Prints the thread's CPU and the wall time per evaluation, and the score history's size on disk
 * per customer (in a database of its own).
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" io.pulse.bench.QueueSinkBenchmark \
 *   data/demo/history.sqlite [rounds=3]
 * </pre>
 */
public final class QueueSinkBenchmark {
    private static final int BATCH = 2_000;

    private QueueSinkBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path history = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1].replace("rounds=", "")) : 3;
        List<Either<Recommendation, ScorePoint>> rows = new ArrayList<>();
        long evaluations = capture(history, rows);
        long points = rows.stream().filter(Either::isRight).count();
        long customers = rows.stream().filter(Either::isRight).map(r -> r.right().customerId).distinct().count();
        System.out.printf(Locale.ROOT, "%s: %,d evaluations, %,d recommendation rows, %,d score points of %,d customers%n",
                history, evaluations, rows.size() - points, points, customers);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++) {
            for (boolean withPoints : new boolean[] {false, true}) {
                Path file = Files.createTempFile("pulse-bench-sink", ".sqlite");
                String url = "jdbc:sqlite:" + file;
                SinkDatabase db = SinkDatabase.of(url);
                db.createSchema();
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                if (withPoints) {
                    writeWithPoints(db, rows);
                } else {
                    writeRecommendationsOnly(db, rows);
                }
                double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / evaluations;
                double wallUs = (System.nanoTime() - wall) / 1e3 / evaluations;
                System.out.printf(Locale.ROOT, "round %d %-24s CPU %6.1f us, wall %6.1f us per evaluation%n", round,
                        withPoints ? "with score history" : "recommendations only", cpuUs, wallUs);
                Files.deleteIfExists(file);
                Files.deleteIfExists(Path.of(file + "-wal"));
                Files.deleteIfExists(Path.of(file + "-shm"));
            }
        }
        historySize(rows, customers);
    }

    /** Replays {@code history} with the shipped rules at parallelism 2 and keeps what reaches the queue's sink. */
    private static long capture(Path history, List<Either<Recommendation, ScorePoint>> rows) throws Exception {
        List<CloseableIterator<Either<Recommendation, ScorePoint>>> collected = new ArrayList<>();
        PulseJob job = new PulseJob(PulseJob.history("jdbc:sqlite:" + history), (output, batching) -> collected.add(
                output.recommendations().map(r -> Either.<Recommendation, ScorePoint>Left(r)).returns(QueueSink.type())
                        .union(output.scorePoints().map(p -> Either.<Recommendation, ScorePoint>Right(p))
                                .returns(QueueSink.type()))
                        .collectAsync()),
                RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2));
        JobClient client = job.executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "capture the queue's rows");
        try (CloseableIterator<Either<Recommendation, ScorePoint>> it = collected.get(0)) {
            it.forEachRemaining(rows::add);
        }
        Long evaluations = client.getJobExecutionResult().get().getAccumulatorResult(RuleEvaluationFunction.EVALUATIONS);
        return evaluations;
    }

    private static void writeRecommendationsOnly(SinkDatabase db, List<Either<Recommendation, ScorePoint>> rows)
            throws Exception {
        try (Connection c = db.connect(); PreparedStatement upsert = c.prepareStatement(ActionSink.UPSERT_RECOMMENDATION)) {
            c.setAutoCommit(false);
            int n = 0;
            for (Either<Recommendation, ScorePoint> row : rows) {
                if (row.isLeft()) {
                    ActionSink.bindRecommendation(upsert, row.left());
                    upsert.addBatch();
                    if (++n % BATCH == 0) {
                        upsert.executeBatch();
                        c.commit();
                    }
                }
            }
            upsert.executeBatch();
            c.commit();
        }
    }

    private static void writeWithPoints(SinkDatabase db, List<Either<Recommendation, ScorePoint>> rows)
            throws Exception {
        try (QueueSink.Writer writer = new QueueSink.Writer(db.url(), new ActionSink.Batching(BATCH,
                java.time.Duration.ofHours(1)), null)) {
            for (Either<Recommendation, ScorePoint> row : rows) {
                writer.write(row, null);
            }
            writer.flush(true);
        }
    }

    /** The score history alone in an otherwise empty queue: its size on disk, per customer. */
    private static void historySize(List<Either<Recommendation, ScorePoint>> rows, long customers) throws Exception {
        Path file = Files.createTempFile("pulse-bench-history", ".sqlite");
        String url = "jdbc:sqlite:" + file + "?journal_mode=DELETE";
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM");
        }
        long empty = Files.size(file); // the other tables stay empty
        try (QueueSink.Writer writer = new QueueSink.Writer(url, new ActionSink.Batching(BATCH,
                java.time.Duration.ofHours(1)), null)) {
            for (Either<Recommendation, ScorePoint> row : rows) {
                if (row.isRight()) {
                    writer.write(row, null);
                }
            }
            writer.flush(true);
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM");
        }
        long bytes = Files.size(file) - empty;
        System.out.printf(Locale.ROOT, "score history on disk (SQLite, vacuumed): %,d bytes, %,d bytes per customer%n",
                bytes, bytes / customers);
        Files.deleteIfExists(file);
    }
}
