package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueuedAction;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.QueueFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Claims per second when concurrent agents empty the queue with `next` (each on its own pooled
 * connection, as `pulse serve` runs them), and a check that no action was claimed twice or lost.
 * Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.QueueClaimBenchmark sqlite|postgres [actions] [agents]</pre>
 * {@code postgres} starts an embedded PostgreSQL (test classpath).
 */
public final class QueueClaimBenchmark {

    public static void main(String[] args) throws Exception {
        String database = args[0];
        int actions = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        run(database, 2_000, agents, false); // warm-up: JIT, connection pool, PostgreSQL start
        run(database, actions, agents, true);
    }

    private static void run(String database, int actions, int agents, boolean report) throws Exception {
        String url = switch (database) {
            case "sqlite" -> {
                Path file = Files.createTempFile("pulse-bench-queue", ".sqlite");
                yield "jdbc:sqlite:" + file;
            }
            case "postgres" -> EmbeddedPostgresServer.freshDatabaseUrl();
            default -> throw new IllegalArgumentException("sqlite or postgres, not " + database);
        };
        SinkDatabase.of(url).createSchema();
        QueueFixtures.pipelineWrites(url, QueueFixtures.many(actions, "URGENT_RETAIN"));

        try (ActionQueue queue = ActionQueue.open(url, agents, Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(agents);
            List<Future<List<Long>>> claims = new ArrayList<>();
            long start = System.nanoTime();
            for (int a = 0; a < agents; a++) {
                String agent = "agent-" + a;
                claims.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (Optional<QueuedAction> n = queue.next(agent); n.isPresent(); n = queue.next(agent)) {
                        mine.add(n.get().id());
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            List<Integer> perAgent = new ArrayList<>();
            for (Future<List<Long>> f : claims) {
                List<Long> mine = f.get();
                all.addAll(mine);
                perAgent.add(mine.size());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            Set<Long> distinct = new HashSet<>(all);
            if (report) {
                System.out.printf("%s, %d agents: %,d claims in %.2f s = %,.0f claims/s; double claims: %d;"
                                + " lost: %d; per agent: %s%n", database, agents, all.size(), seconds,
                        all.size() / seconds, all.size() - distinct.size(), actions - distinct.size(), perAgent);
            }
            if (all.size() != distinct.size() || distinct.size() != actions) {
                throw new IllegalStateException("claims are wrong: " + all.size() + " claims, " + distinct.size()
                        + " distinct, " + actions + " actions");
            }
        }
    }
}
