package io.pulse.server;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.flink.PulseMetrics;
import io.pulse.job.PulseJob;
import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.queue.ActionQueue;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.PulseMetricsReader;
import io.pulse.testing.SmallHistory;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static io.pulse.server.ServerFixtures.HOOK_TOKEN;
import static io.pulse.server.ServerFixtures.WITH_INGEST;
import static io.pulse.testing.PulseMetricsReader.sum;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.usage;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events POSTed to `pulse serve` reach a running live job (MiniCluster, watched directory) and
 * become actions; under concurrent senders and retries every accepted event is processed once or
 * dead-lettered once.
 */
class HttpIngestITCase {
    private static final String NEWCO = "newco.example";
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    @TempDir
    Path dir;

    @Test
    void postedEventsBecomeActionsAndALateOneADeadLetterWithTheLineAsSent() throws Exception {
        try (Running run = Running.start(dir, Duration.ZERO)) {
            long t = run.historyEnd + 1_000;
            String late = LiveEventFormat.toLine(usage(NEWCO, run.historyEnd - 86_400_000L));
            assertThat(post(run.server, String.join("\n", List.of(
                    LiveEventFormat.toLine(accountSnapshot(NEWCO, t, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot(NEWCO, t + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot(NEWCO, t + 2, "Gold", 90_000, 5))))).body())
                    .isEqualTo("{\"accepted\":3,\"rejected\":0}");
            assertThat(post(run.server, late + "\n").statusCode()).as("late is for the job to judge").isEqualTo(202);

            waitFor("the posted customer's urgent action", () -> count(run.sink, "SELECT count(*) FROM recommended_actions"
                    + " WHERE customer_id = '" + NEWCO + "' AND action = 'URGENT_RETAIN'") == 1, run.state);
            waitFor("the late event's dead letter", () -> count(run.sink,
                    "SELECT count(*) FROM dead_letters WHERE reason LIKE 'late event%'") == 1, run.state);
            assertThat(strings(run.sink, "SELECT raw FROM dead_letters WHERE reason LIKE 'late event%'")).containsExactly(late);
            assertThat(strings(run.sink, "SELECT source FROM dead_letters WHERE reason LIKE 'late event%'"))
                    .singleElement().asString().contains(run.events.toString()).endsWith(".jsonl:1");
        }
    }

    @Test
    void underEightConcurrentSendersAndRetriesEveryAcceptedEventIsProcessedOrDeadLetteredOnce() throws Exception {
        int senders = 8;
        int batches = 15;
        int perBatch = 10;
        try (Running run = Running.start(dir, Duration.ofDays(2))) {
            long onTime = run.historyEnd + 1_000;
            long weekOld = run.historyEnd - Duration.ofDays(7).toMillis();
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            List<Future<Integer>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                sent.add(pool.submit(() -> send(run.server, sender, batches, perBatch, onTime, weekOld)));
            }
            int accepted = 0;
            for (Future<Integer> f : sent) {
                accepted += f.get();
            }
            pool.shutdown();
            int distinct = senders * batches * perBatch;
            int weekOldDistinct = senders * batches;
            int retried = accepted - distinct;
            assertThat(retried).as("lines sent again").isPositive();
            JobID id = run.job.getJobID();
            int in = accepted;
            waitFor("every accepted line read by the job", () -> liveEventsIn(id) == in, run.state);
            // Out of what came in: every arrival of a week-old line dead-lettered (a retry arrives in
            // a file of its own, so its letter names its own file and line), the on-time retries
            // counted once, every other event processed.
            int weekOldArrivals = weekOldDistinct + retried / perBatch;
            waitFor("each week-old arrival's dead letter", () -> count(run.sink,
                    "SELECT count(*) FROM dead_letters WHERE reason LIKE 'late event%'") == weekOldArrivals, run.state);
            waitFor("each on-time retry recognised", () -> sum(METRICS, id, PulseMetrics.DUPLICATES)
                    == retried * (perBatch - 1L) / perBatch, run.state);
            long deadLettered = sum(METRICS, id, PulseMetrics.DEAD_LETTERS);
            long duplicates = sum(METRICS, id, PulseMetrics.DUPLICATES);
            assertThat(deadLettered).as("dead letters").isEqualTo(weekOldArrivals);
            assertThat(in - deadLettered - duplicates).as("processed once").isEqualTo(distinct - weekOldDistinct);
            assertThat(count(run.sink, "SELECT count(*) FROM dead_letters")).isEqualTo(weekOldArrivals);
        }
    }

    /** Events read by the live source's validator (the history's validators count theirs apart). */
    private static long liveEventsIn(JobID job) {
        return PulseMetricsReader.pulseMetrics(METRICS, job, PulseMetrics.EVENTS_IN).entrySet().stream()
                .filter(e -> e.getKey().contains("Live events"))
                .mapToLong(e -> ((Counter) e.getValue()).getCount()).sum();
    }

    /**
     * Sends the batches of one sender: usage events of its own customers, on time, but every tenth
     * a week old (beyond the two-day horizon: a dead letter); every third batch is sent twice (a
     * webhook's retry). Returns the lines the server accepted, retries included.
     */
    private static int send(QueueServer server, int sender, int batches, int perBatch, long onTime, long weekOld)
            throws Exception {
        int accepted = 0;
        for (int b = 0; b < batches; b++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                int n = (sender * batches + b) * perBatch + i;
                lines.add(LiveEventFormat.toLine(usage("s" + sender + ".example", (i == 9 ? weekOld : onTime) + n)));
            }
            for (int attempt = 0; attempt < (b % 3 == 0 ? 2 : 1); attempt++) {
                HttpResponse<String> answer = post(server, String.join("\n", lines));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                accepted += lines.size();
            }
        }
        return accepted;
    }

    private static HttpResponse<String> post(QueueServer server, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.port() + "/api/events"))
                .header("Authorization", "Bearer " + HOOK_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A small history replayed into SQLite, then a live job on the directory `pulse serve` publishes to. */
    private record Running(long historyEnd, Path events, String sink, JobClient job, ActionQueue queue,
                           EventIngest ingest, QueueServer server, Supplier<String> state) implements AutoCloseable {
        /** @param horizon the correction horizon, zero for none */
        static Running start(Path dir, Duration horizon) throws Exception {
            SmallHistory small = SmallHistory.in(dir);
            String historyUrl = small.url();
            long historyEnd = small.end();
            Path events = Files.createDirectories(dir.resolve("events"));
            String sink = small.sink();
            SinkDatabase db = small.db();
            JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events,
                    LiveSource.Settings.defaults()), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                    PulseJob.Settings.defaults().withParallelism(2)
                            .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                            .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd))
                            .withCorrections(CorrectionHorizon.after(historyEnd, horizon)))
                    .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse HTTP ingest ITCase");
            EventIngest ingest = new EventIngest(EventPublisher.to(events.toString()), LiveEventFormat.defaults(),
                    Clock.systemUTC());
            ActionQueue queue = ActionQueue.open(sink, 2, Clock.systemUTC());
            QueueServer server = QueueServer.start(queue, WITH_INGEST, "127.0.0.1", 0, ingest);
            Supplier<String> state = () -> "dead letters: " + strings(sink, "SELECT reason FROM dead_letters");
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);
            return new Running(historyEnd, events, sink, job, queue, ingest, server, state);
        }

        @Override
        public void close() throws Exception {
            try (queue; ingest; server) {
                job.cancel().get();
            }
        }
    }
}
