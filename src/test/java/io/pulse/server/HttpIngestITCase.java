package io.pulse.server;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.queue.ActionQueue;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.core.execution.JobClient;
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
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

import static io.pulse.server.ServerFixtures.HOOK_TOKEN;
import static io.pulse.server.ServerFixtures.WITH_INGEST;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.usage;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/** Events POSTed to `pulse serve` reach a running live job (MiniCluster, watched directory) and become actions. */
class HttpIngestITCase {
    private static final String NEWCO = "newco.example";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    @Test
    void postedEventsBecomeActionsAndALateOneADeadLetterWithTheLineAsSent() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        Supplier<String> state = () -> "dead letters: " + strings(sink, "SELECT reason FROM dead_letters");

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse HTTP ingest ITCase");
        EventIngest ingest = new EventIngest(EventPublisher.to(events.toString()), LiveEventFormat.defaults(),
                Clock.systemUTC());
        try (ActionQueue queue = ActionQueue.open(sink, 2, Clock.systemUTC()); ingest;
             QueueServer server = QueueServer.start(queue, WITH_INGEST, "127.0.0.1", 0, ingest)) {
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);
            long t = historyEnd + 1_000;
            String late = LiveEventFormat.toLine(usage(NEWCO, historyEnd - 86_400_000L));
            assertThat(post(server, String.join("\n", List.of(
                    LiveEventFormat.toLine(accountSnapshot(NEWCO, t, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot(NEWCO, t + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot(NEWCO, t + 2, "Gold", 90_000, 5))))).body())
                    .isEqualTo("{\"accepted\":3,\"rejected\":0}");
            assertThat(post(server, late + "\n").statusCode()).as("late is for the job to judge").isEqualTo(202);

            waitFor("the posted customer's urgent action", () -> count(sink, "SELECT count(*) FROM recommended_actions"
                    + " WHERE customer_id = '" + NEWCO + "' AND action = 'URGENT_RETAIN'") == 1, state);
            waitFor("the late event's dead letter", () -> count(sink,
                    "SELECT count(*) FROM dead_letters WHERE reason LIKE 'late event%'") == 1, state);
            assertThat(strings(sink, "SELECT raw FROM dead_letters WHERE reason LIKE 'late event%'")).containsExactly(late);
            assertThat(strings(sink, "SELECT source FROM dead_letters WHERE reason LIKE 'late event%'"))
                    .singleElement().asString().contains(events.toString()).endsWith(".jsonl:1");
        } finally {
            job.cancel().get();
        }
    }

    private static HttpResponse<String> post(QueueServer server, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.port() + "/api/events"))
                .header("Authorization", "Bearer " + HOOK_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
