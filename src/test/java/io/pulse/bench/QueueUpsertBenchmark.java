package io.pulse.bench;

import io.pulse.actions.ActionSink;
import io.pulse.model.Recommendation;
import io.pulse.actions.SinkDatabase;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueFilter;
import io.pulse.queue.Status;
import io.pulse.testing.QueueFixtures;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.Random;
import java.util.Set;

/**
 * The queue sink's cost per row on SQLite: the job's own upsert ({@link ActionSink#UPSERT_RECOMMENDATION})
 * re-writing random customers' two open rows, as a live job re-scoring them does, in transactions
 * of a given size on one connection; then what the head of the queue costs to read (the 10 first
 * open actions, as `pulse queue list` and an agent's `next` order them). Prints the thread's CPU
 * and the wall time per row, and the read's wall time.
 *
 * <p>{@code priority-index} asks "what if": {@code as-is} (the schema's), {@code without-revenue}
 * (status, priority, due_at) or {@code dropped}. {@code revenue} says whether a re-score changes the
 * revenue at risk ({@code changing}, random) or not ({@code same}).
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" io.pulse.bench.QueueUpsertBenchmark \
 *   [customers=50000] [rows-per-commit=400] [revenue=changing|same] [priority-index=as-is|without-revenue|dropped]
 * </pre>
 */
public final class QueueUpsertBenchmark {
    private static final String[] ACTIONS = {"URGENT_RETAIN", "VIP_NURTURE"};
    private static final int ROUNDS = 6;
    private static final int ROWS_PER_ROUND = 80_000;

    private QueueUpsertBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path file = Files.createTempFile("pulse-bench-upsert", ".sqlite");
        String url = "jdbc:sqlite:" + file;
        SinkDatabase db = SinkDatabase.of(url);
        // The queue creates the schema: alter its index after, or opening the queue puts it back.
        ActionQueue queue = ActionQueue.open(url, 1, Clock.systemUTC());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            if (!options.priorityIndex.equals("as-is")) {
                s.execute("DROP INDEX recommended_actions_priority");
            }
            if (options.priorityIndex.equals("without-revenue")) {
                s.execute("CREATE INDEX recommended_actions_priority"
                        + " ON recommended_actions (status, priority, due_at)");
            }
        }
        System.out.printf("%,d customers x %d actions, %,d rows a commit, revenue %s, priority index %s%n",
                options.customers, ACTIONS.length, options.rowsPerCommit, options.revenue, options.priorityIndex);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Random random = new Random(1);
        try (queue; Connection c = db.connect();
             PreparedStatement upsert = c.prepareStatement(ActionSink.UPSERT_RECOMMENDATION)) {
            c.setAutoCommit(false);
            for (int round = 0; round <= ROUNDS; round++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                int rows = 0;
                while (rows < ROWS_PER_ROUND) {
                    for (int i = 0; i < options.rowsPerCommit; i += ACTIONS.length) {
                        // Round 0 writes every customer once, in order: the queue the later rounds re-score.
                        int customer = round == 0 ? (rows / ACTIONS.length) % options.customers
                                : random.nextInt(options.customers);
                        for (String action : ACTIONS) {
                            ActionSink.bindRecommendation(upsert, row(customer, action, round, rows, options, random));
                            upsert.addBatch();
                            rows++;
                        }
                    }
                    upsert.executeBatch();
                    c.commit();
                }
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                wall = System.nanoTime() - wall;
                long read = System.nanoTime();
                int head = queue.list(new QueueFilter(Set.of(Status.OPEN), null, null, null, null, 10)).size();
                read = System.nanoTime() - read;
                System.out.printf("round %d%s: %.1f us CPU and %.1f us wall a row; the queue's first %d open"
                                + " actions read in %.1f ms%n", round, round == 0 ? " (the first writes)" : "",
                        cpu / 1e3 / rows, wall / 1e3 / rows, head, read / 1e6);
            }
        } finally {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
    }

    /** A re-score of the customer's action: newer, with a reasons text of a typical row's size. */
    private static Recommendation row(int customer, String action, int round, int rows, Options options,
                                      Random random) {
        double revenue = options.revenue.equals("same") ? 1_000.0 * (customer % 997) : random.nextDouble() * 1e6;
        Recommendation r = QueueFixtures.recommendation("c" + customer + ".example", action, 1 + customer % 3,
                revenue, 1);
        r.setValidAsOf(r.getValidAsOf() + round * 3_600_000L + rows); // later each time: the upsert applies it
        r.setReasons(REASONS);
        return r;
    }

    private static final String REASONS = "[" + "{\"rule\":\"High value at high risk: urgent retain\","
            + "\"because\":\"estimatedLtv 8339.14 > 5000.0, monetaryScore 4 >= 4\"},".repeat(4) + "{}]";

    private record Options(int customers, int rowsPerCommit, String revenue, String priorityIndex) {
        static Options parse(String[] args) {
            int customers = 50_000;
            int rowsPerCommit = 400;
            String revenue = "changing";
            String priorityIndex = "as-is";
            for (String arg : args) {
                String value = arg.substring(arg.indexOf('=') + 1);
                switch (arg.substring(0, arg.indexOf('='))) {
                    case "customers" -> customers = Integer.parseInt(value);
                    case "rows-per-commit" -> rowsPerCommit = Integer.parseInt(value);
                    case "revenue" -> revenue = oneOf(value, "changing", "same");
                    case "priority-index" -> priorityIndex = oneOf(value, "as-is", "without-revenue", "dropped");
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            return new Options(customers, rowsPerCommit, revenue, priorityIndex);
        }

        private static String oneOf(String value, String... allowed) {
            for (String a : allowed) {
                if (a.equals(value)) {
                    return value;
                }
            }
            throw new IllegalArgumentException(value + " is not one of " + String.join(", ", allowed));
        }
    }
}
