package io.pulse.job;

import io.pulse.actions.SinkDatabase;
import io.pulse.events.CustomerEvent;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.SinkPolling;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure tests' history, its undisturbed replay into PostgreSQL, and the job they disturb: a
 * checkpoint every 300 ms into a temporary directory, up to 10 restarts.
 */
final class RecoveryFixtures {
    private RecoveryFixtures() {}

    static final String QUEUE = "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
            + " predicted_6m_revenue, priority, due_at, playbook, reasons, cohorts, ruleset_version, valid_as_of,"
            + " first_valid_as_of, status FROM recommended_actions ORDER BY customer_id, action";
    static final String HISTORY = "SELECT r.customer_id, r.action, h.actor, h.from_status, h.to_status, h.at, h.note"
            + " FROM action_history h JOIN recommended_actions r ON r.id = h.action_id"
            + " ORDER BY r.customer_id, r.action, h.at, h.to_status";
    static final Duration CHECKPOINTS = Duration.ofMillis(300);

    static Path dir;
    static Path history;
    static RuleSet rules;
    static String undisturbed;

    /**
     * Generates the history and replays it undisturbed, once per test JVM (the test classes share
     * them), in a temporary directory removed when the JVM exits.
     */
    static synchronized void replayUndisturbed() throws Exception {
        if (undisturbed != null) {
            return;
        }
        dir = Files.createTempDirectory("pulse-recovery");
        Path created = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(created)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // the JVM is exiting; the directory is temporary
            }
        }));
        history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(80, 240, 13, LocalDate.of(2025, 1, 1), history)).generate();
        rules = RuleSet.load(Path.of("rules"));
        undisturbed = EmbeddedPostgresServer.freshDatabaseUrl();
        job(undisturbed, PulseJob.jdbc(db(undisturbed)), 2)
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "undisturbed");
        assertThat(rows(undisturbed, QUEUE)).hasSizeGreaterThan(80);
    }

    static SinkDatabase db(String url) throws Exception {
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        return db;
    }

    static PulseJob job(String sinkUrl, PulseJob.Sinks sinks, int parallelism) {
        return job(PulseJob.history("jdbc:sqlite:" + history), sinks, parallelism);
    }

    static PulseJob job(PulseJob.Events events, PulseJob.Sinks sinks, int parallelism) {
        return new PulseJob(events, sinks, rules,
                PulseJob.Settings.defaults().withParallelism(parallelism).withCheckpointInterval(CHECKPOINTS)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()).withRestartAttempts(10));
    }

    static void assertSameAsUndisturbed(String url, String why) throws Exception {
        assertThat(rows(url, QUEUE)).as("the queue " + why).isEqualTo(rows(undisturbed, QUEUE));
        assertThat(rows(url, HISTORY)).as("the action history " + why).isEqualTo(rows(undisturbed, HISTORY));
    }

    /** Waits (up to 2 minutes) until the job runs and has written part of the queue: mid-run. */
    static void awaitMidRun(JobClient client, String url) throws Exception {
        SinkPolling.waitFor("the job running with part of the queue written (mid-run)", Duration.ofMinutes(2), () -> {
            JobStatus status = status(client);
            assertThat(status.isGloballyTerminalState()).as("the job ended before mid-run: %s", status).isFalse();
            return status == JobStatus.RUNNING && SinkPolling.count(url, "SELECT count(*) FROM recommended_actions") > 0;
        }, () -> "job " + status(client) + ", rows " + SinkPolling.count(url, "SELECT count(*) FROM recommended_actions"));
    }

    static JobStatus status(JobClient client) {
        try {
            return client.getJobStatus().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the status of job " + client.getJobID(), e);
        }
    }

    /**
     * The history read at most one event per millisecond per table, so that a stop with a savepoint
     * surely comes while it is still being read (the replay alone takes seconds).
     */
    static PulseJob.Events slowHistory() {
        return (env, tables) -> PulseJob.history("jdbc:sqlite:" + history).create(env, tables).stream()
                .map(s -> (DataStream<CustomerEvent>) s
                        .map(new Slow()).name("Slow (test)").setParallelism(1))
                .toList();
    }

    static final class Slow implements MapFunction<CustomerEvent, CustomerEvent> {
        @Override
        public CustomerEvent map(CustomerEvent e) throws InterruptedException {
            Thread.sleep(1);
            return e;
        }
    }
}
