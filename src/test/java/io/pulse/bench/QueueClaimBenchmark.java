package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.model.Recommendation;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueException;
import io.pulse.queue.QueuedAction;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.QueueFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claims per second when concurrent agents empty the queue with `next` (each on its own pooled
 * connection, as `pulse serve` runs them), and a check that no action was claimed twice or lost.
 * Two ways of working, in the same run: a shared pile (no owners) and a book of business (two
 * thirds of the actions owned by the agents, each agent on the team under their e-mail). Both run
 * under the default weekly capacity (25) on a clock that moves twenty minutes at every reading
 * (about four a claim), so a week passes every ~125 claims, about what a team of eight takes on:
 * the capacity check counts a week's claims, not the whole run's. An agent refused at capacity
 * tries again (the week moves on); the refusals are counted.
 * Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.QueueClaimBenchmark sqlite|postgres [actions] [agents]</pre>
 * {@code postgres} starts an embedded PostgreSQL (test classpath).
 */
public final class QueueClaimBenchmark {
    /** From Monday 2026-01-05, twenty minutes later at every reading. */
    private static final class TwentyMinutesAReading extends Clock {
        private final AtomicLong readings = new AtomicLong();

        @Override
        public Instant instant() {
            return Instant.parse("2026-01-05T00:00:00Z").plusSeconds(1200 * readings.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    public static void main(String[] args) throws Exception {
        String database = args[0];
        int actions = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        for (boolean owners : new boolean[] {false, true}) {
            run(database, 2_000, agents, owners, false); // warm-up: JIT, connection pool, PostgreSQL start
        }
        // Then each way of working twice, interleaved, so a slow phase of the machine hits both.
        for (boolean owners : new boolean[] {false, true, false, true}) {
            run(database, actions, agents, owners, true);
        }
    }

    private static void run(String database, int actions, int agents, boolean owners, boolean report)
            throws Exception {
        String url = switch (database) {
            case "sqlite" -> {
                Path file = Files.createTempFile("pulse-bench-queue", ".sqlite");
                yield "jdbc:sqlite:" + file;
            }
            case "postgres" -> EmbeddedPostgresServer.freshDatabaseUrl();
            default -> throw new IllegalArgumentException("sqlite or postgres, not " + database);
        };
        SinkDatabase.of(url).createSchema();
        Recommendation[] work = QueueFixtures.many(actions, "URGENT_RETAIN");
        if (owners) {
            for (int i = 0; i < work.length; i++) {
                work[i].setOwner(i % 3 == 0 ? null : "agent-" + (i % agents) + "@cs.example");
            }
        }
        QueueFixtures.pipelineWrites(url, work);

        try (ActionQueue queue = ActionQueue.open(url, agents, new TwentyMinutesAReading())) {
            if (owners) {
                for (int a = 0; a < agents; a++) {
                    queue.setMember("agent-" + a, "agent-" + a + "@cs.example", null, null);
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(agents);
            AtomicInteger refusedAtCapacity = new AtomicInteger();
            List<Future<List<Long>>> claims = new ArrayList<>();
            long start = System.nanoTime();
            for (int a = 0; a < agents; a++) {
                String agent = "agent-" + a;
                claims.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    while (true) {
                        try {
                            Optional<QueuedAction> n = queue.next(agent);
                            if (n.isEmpty()) {
                                return mine;
                            }
                            mine.add(n.get().id());
                        } catch (QueueException e) {
                            if (e.kind() != QueueException.Kind.CAPACITY) {
                                throw e;
                            }
                            refusedAtCapacity.incrementAndGet();
                        }
                    }
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
                System.out.printf("%s, %s, %d agents: %,d claims in %.2f s = %,.0f claims/s; double claims: %d;"
                                + " lost: %d; refused at capacity: %d; per agent: %s%n", database,
                        owners ? "book of business" : "shared pile", agents, all.size(), seconds,
                        all.size() / seconds, all.size() - distinct.size(), actions - distinct.size(), refusedAtCapacity.get(),
                        perAgent);
            }
            if (all.size() != distinct.size() || distinct.size() != actions) {
                throw new IllegalStateException("claims are wrong: " + all.size() + " claims, " + distinct.size()
                        + " distinct, " + actions + " actions");
            }
        }
    }
}
