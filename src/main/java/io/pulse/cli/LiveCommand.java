package io.pulse.cli;

import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.live.KafkaTopic;
import io.pulse.live.LiveDefaults;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.evaluation.RulePackWatcher;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "live", mixinStandardHelpOptions = true,
        description = {"Replay a history, then follow live events (JSON lines, one event per line, in files that "
                + "appear in a watched directory, or one event per record of a Kafka topic) into the action queue, "
                + "until stopped (Ctrl-C).",
                "The event format is in the README. Bad lines go to the dead_letters table with the reason and the "
                        + "line as it arrived (`pulse deadletters list`).",
                "The rule directory is watched: a changed pack that validates replaces the running one and every "
                        + "customer is re-scored; a bad one is rejected (see the rule_deployments table)."})
final class LiveCommand implements Callable<Integer> {
    @Option(names = "--history", required = true, paramLabel = "FILE|JDBC_URL", description = ReplayCommand.HISTORY)
    String history;

    @Option(names = "--events", required = true,
            description = {"Where live events come from: a directory watched for JSON-lines files (move finished "
                    + "files in), or a Kafka topic, kafka://host:port[,host:port...]/topic[?group=ID] (one event a "
                    + "record; the consumer group defaults to " + KafkaTopic.DEFAULT_GROUP + ")."})
    String events;

    @Option(names = "--rules", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--sink", required = true,
            description = "JDBC URL of the action queue, e.g. jdbc:sqlite:data/actions.sqlite.")
    String sink;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--cadence", defaultValue = "P1D",
            description = "Evaluation period over the history (default: ${DEFAULT-VALUE}).")
    Duration cadence;

    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--live-cadence", defaultValue = LiveDefaults.LIVE_CADENCE,
            description = "Evaluation period after the history's end (default: ${DEFAULT-VALUE}).")
    Duration liveCadence;

    @Option(names = "--lateness", defaultValue = LiveDefaults.LATENESS,
            description = "How late a live event may arrive after a later one before it is dead-lettered as late;"
                    + " also the least delay before an event is scored (default: ${DEFAULT-VALUE}).")
    Duration lateness;

    @Option(names = "--correction-horizon", defaultValue = LiveDefaults.CORRECTION_HORIZON,
            description = "A late event at most this far behind event time corrects its customer's features (the"
                    + " customer is re-scored at the next period end, as if the event had come in order); further"
                    + " behind it is dead-lettered as late. Costs state: each customer's events of up to twice"
                    + " this are kept; PT0S turns corrections off (default: ${DEFAULT-VALUE}).")
    Duration correctionHorizon;

    @Option(names = "--watermark-interval", defaultValue = LiveDefaults.WATERMARK_INTERVAL,
            description = "How often the live source moves event time on; up to this is added to an event's"
                    + " latency (default: ${DEFAULT-VALUE}).")
    Duration watermarkInterval;

    @Option(names = "--buffer-timeout", defaultValue = LiveDefaults.BUFFER_TIMEOUT,
            description = "The longest a record waits in a network buffer before it goes to the next task (four"
                    + " hops from source to sink); 0 sends every record at once, at a CPU cost"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration bufferTimeout;

    @Option(names = "--sink-flush-interval", defaultValue = LiveDefaults.SINK_FLUSH_INTERVAL,
            description = "The longest a row waits before it is written to the sink database, in one transaction"
                    + " with the rows before it (default: ${DEFAULT-VALUE}).")
    Duration sinkFlushInterval;

    @Option(names = "--sink-batch-size", defaultValue = LiveDefaults.SINK_BATCH_SIZE,
            description = "Rows written in one transaction at most; a full batch is written at once"
                    + " (default: ${DEFAULT-VALUE}).")
    int sinkBatchSize;

    @Option(names = "--max-line-bytes", defaultValue = "65536",
            description = "Longer lines are dead-lettered unread (default: ${DEFAULT-VALUE}).")
    int maxLineBytes;

    @Option(names = "--max-clock-ahead", defaultValue = LiveDefaults.MAX_CLOCK_AHEAD,
            description = "An event stamped further ahead of the wall clock than this is dead-lettered as 'ahead of"
                    + " the clock'; event time never passes the wall clock, so one fast clock cannot make the"
                    + " on-time events after it late (default: ${DEFAULT-VALUE}).")
    Duration maxClockAhead;

    @Option(names = "--web-ui", description = "Serve Flink's web UI for the running job.")
    boolean webUi;

    @Option(names = "--web-port", defaultValue = "8081", description = "Port of the web UI (default: ${DEFAULT-VALUE}).")
    int webPort;

    /** The job's settings from the options, but for the cadence (it needs the history's end). */
    PulseJob.Settings settings() {
        return job.applyTo(PulseJob.Settings.defaults().withParallelism(parallelism))
                .withWatermarkInterval(watermarkInterval).withBufferTimeout(bufferTimeout)
                .withSinkBatching(new ActionSink.Batching(sinkBatchSize, sinkFlushInterval));
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = job.startConfiguration(history);
        KafkaTopic topic = kafkaTopic(events);
        Path directory = topic == null ? Args.directoryToCreate("--events", Path.of(events)) : null;
        RulesCommand.checkPack("--rules", rules);
        checkNumbersAndDurations();
        Cadence historyCadence = ReplayCommand.cadence("--cadence", cadence);
        ReplayCommand.cadence("--live-cadence", liveCadence);
        PulseJob.Settings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        if (webUi) {
            Reachability.freePort("--web-port", null, null, webPort);
        }
        SinkDatabase db = Reachability.database("--sink", sink, true);
        if (topic != null) {
            Reachability.kafka("--events", topic);
        } else {
            Files.createDirectories(directory);
        }
        RuleSet ruleSet = RuleSet.load(rules);
        HistoryDatabase historyDb = HistoryDatabase.of(history);
        String historyUrl = historyDb.url();
        if (RulesCommand.compileForHistory(rules, ruleSet, historyUrl) == null) {
            return 1;
        }
        db.createSchema();
        long historyEnd = HistorySource.endTime(historyUrl, ruleSet.declaredTables());
        PulseJob pulseJob = new PulseJob(liveEvents(historyUrl, historyEnd, topic, directory), PulseJob.jdbc(db),
                ruleSet, settings.withCadence(historyCadence.thenEvery(liveCadence, historyEnd))
                        .withCorrections(CorrectionHorizon.after(historyEnd, correctionHorizon)))
                .withRuleReload(rules, RulePackWatcher.POLL);
        System.out.printf("Replaying %s (to %s), then following %s, with rules %s (version %s) into %s%n",
                historyDb.describe(), historyEnd == Long.MIN_VALUE ? "empty" : Instant.ofEpochMilli(historyEnd),
                topic != null ? topic : directory, rules,
                ruleSet.version(), Reachability.masked(sink));
        pulseJob.execute(environment(conf), "Pulse live");
        return 0;
    }

    /** The Kafka topic of {@code --events}, or null when it names a directory. */
    static KafkaTopic kafkaTopic(String events) {
        if (!KafkaTopic.isKafka(events)) {
            return null;
        }
        try {
            return KafkaTopic.parse(events);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--events: " + e.getMessage());
        }
    }

    /** The options Flink would refuse later, refused now with the option's name. */
    private void checkNumbersAndDurations() {
        if (parallelism < 1) {
            throw CliFailure.usage("--parallelism must be at least 1, got " + parallelism);
        }
        if (maxLineBytes < 1) {
            throw CliFailure.usage("--max-line-bytes must be at least 1, got " + maxLineBytes);
        }
        if (lateness.isNegative()) {
            throw CliFailure.usage("--lateness cannot be negative, got " + lateness);
        }
        if (correctionHorizon.isNegative()) {
            throw CliFailure.usage("--correction-horizon cannot be negative, got " + correctionHorizon);
        }
        if (maxClockAhead.isNegative()) {
            throw CliFailure.usage("--max-clock-ahead cannot be negative, got " + maxClockAhead);
        }
        if (watermarkInterval.isNegative() || watermarkInterval.isZero()) {
            throw CliFailure.usage("--watermark-interval must be positive, got " + watermarkInterval);
        }
        if (bufferTimeout.isNegative()) {
            throw CliFailure.usage("--buffer-timeout cannot be negative, got " + bufferTimeout);
        }
        if (sinkFlushInterval.toMillis() < 1) {
            throw CliFailure.usage("--sink-flush-interval must be at least 1 ms (PT0.001S), got " + sinkFlushInterval);
        }
        if (sinkBatchSize < 1) {
            throw CliFailure.usage("--sink-batch-size must be at least 1, got " + sinkBatchSize);
        }
    }

    private PulseJob.Events liveEvents(String historyUrl, long historyEnd, KafkaTopic topic, Path directory) {
        LiveSource.Settings live = new LiveSource.Settings(lateness, LiveSource.Settings.defaults().quietAfter(),
                LiveSource.Settings.defaults().directoryScan(), new LiveEventFormat(maxLineBytes, maxClockAhead));
        return topic != null ? PulseJob.historyThenKafka(historyUrl, historyEnd, topic, live)
                : PulseJob.historyThenLive(historyUrl, historyEnd, directory, live);
    }

    /** In-process Flink, with its web UI on {@code --web-port} when asked for. */
    private StreamExecutionEnvironment environment(Configuration conf) {
        if (!webUi) {
            return StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        conf.set(RestOptions.PORT, webPort);
        System.out.printf("Flink web UI: http://localhost:%d%n", webPort);
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
}
