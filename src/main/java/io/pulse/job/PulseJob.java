package io.pulse.job;

import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.actions.QueueSink;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import org.apache.flink.types.Either;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import io.pulse.events.CustomerEvent;
import io.pulse.events.DeclaredTable;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.history.HistorySource;
import io.pulse.live.KafkaTopic;
import io.pulse.live.LiveSource;
import io.pulse.evaluation.RulePackWatcher;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Pulse job: events in, pipeline, sinks out. Its I/O is injected, so replay, live mode,
 * backtests and tests differ only in the {@link Events} and {@link Sinks} they pass.
 */
public final class PulseJob {
    /** Where the events come from: one or more streams with event-time timestamps and watermarks. */
    @FunctionalInterface
    public interface Events {
        /** @param tables the history tables the rule pack declares, besides Pulse's own */
        List<DataStream<CustomerEvent>> create(StreamExecutionEnvironment env, List<DeclaredTable> tables);
    }

    /** Where the pipeline's outputs go; JDBC sinks write in batches of {@code batching}. */
    @FunctionalInterface
    public interface Sinks {
        void attach(PulsePipeline.Output output, ActionSink.Batching batching);
    }

    /** Where keyed state lives while the job runs. */
    public enum StateBackend {
        /** Objects on the TaskManager's heap: fastest, bounded by the heap. */
        HASHMAP,
        /** RocksDB on local disk (serialized, off-heap), with incremental checkpoints: for state larger than the heap. */
        ROCKSDB;

        /** The name Flink's {@code state.backend.type} uses. */
        public String flinkName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How the job runs; every field has a documented default.
     *
     * @param checkpointDirectory where checkpoints go; null: the cluster's {@code execution.checkpointing.dir}
     *                            (config.yaml), else {@code <tmp>/pulse-checkpoints}
     * @param stateBackend        null: the cluster's {@code state.backend.type}, else {@link StateBackend#HASHMAP}
     * @param watermarkInterval   how often sources emit watermarks; null: the cluster's
     *                            {@code pipeline.auto-watermark-interval}, else Flink's 200 ms
     * @param bufferTimeout       the longest a record waits in a network buffer before it is sent to
     *                            the next task; null: the cluster's {@code execution.buffer-timeout.interval},
     *                            else Flink's 100 ms
     * @param sinkBatching        when the JDBC sinks write: rows per batch and the longest a row waits
     */
    public record Settings(Cadence cadence, int parallelism, Duration checkpointInterval, URI checkpointDirectory,
                           int restartAttempts, StateBackend stateBackend, Duration watermarkInterval,
                           Duration bufferTimeout, ActionSink.Batching sinkBatching, CorrectionHorizon corrections) {
        public Settings {
            Objects.requireNonNull(sinkBatching, "sinkBatching cannot be null");
            Objects.requireNonNull(corrections, "corrections cannot be null");
            if (watermarkInterval != null && (watermarkInterval.isNegative() || watermarkInterval.isZero())) {
                throw new IllegalArgumentException("the watermark interval must be positive, not " + watermarkInterval);
            }
            if (bufferTimeout != null && bufferTimeout.isNegative()) {
                throw new IllegalArgumentException("the buffer timeout cannot be negative: " + bufferTimeout);
            }
        }

        /**
         * Daily evaluation, the environment's parallelism, a checkpoint every 10 s into the cluster's
         * checkpoint directory (or {@code <tmp>/pulse-checkpoints}), 3 restarts, the cluster's state
         * backend (or the heap), the cluster's watermark interval and buffer timeout (or Flink's),
         * {@link ActionSink.Batching#defaults() the sinks' default batching}, and no corrections (a
         * late event is a dead letter).
         */
        public static Settings defaults() {
            return new Settings(Cadence.every(Duration.ofDays(1)), -1, Duration.ofSeconds(10), null, 3, null, null, null,
                    ActionSink.Batching.defaults(), CorrectionHorizon.none());
        }

        public Settings withParallelism(int p) {
            return new Settings(cadence, p, checkpointInterval, checkpointDirectory, restartAttempts, stateBackend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withCadence(Cadence c) {
            return new Settings(c, parallelism, checkpointInterval, checkpointDirectory, restartAttempts, stateBackend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withCheckpointDirectory(URI dir) {
            return new Settings(cadence, parallelism, checkpointInterval, dir, restartAttempts, stateBackend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withCheckpointInterval(Duration interval) {
            return new Settings(cadence, parallelism, interval, checkpointDirectory, restartAttempts, stateBackend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withStateBackend(StateBackend backend) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, restartAttempts, backend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withRestartAttempts(int attempts) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, attempts, stateBackend,
                    watermarkInterval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withWatermarkInterval(Duration interval) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, restartAttempts,
                    stateBackend, interval, bufferTimeout, sinkBatching, corrections);
        }

        public Settings withBufferTimeout(Duration timeout) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, restartAttempts,
                    stateBackend, watermarkInterval, timeout, sinkBatching, corrections);
        }

        /** Late events within the horizon correct their customer's features (live mode). */
        public Settings withCorrections(CorrectionHorizon horizon) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, restartAttempts,
                    stateBackend, watermarkInterval, bufferTimeout, sinkBatching, horizon);
        }

        public Settings withSinkBatching(ActionSink.Batching batching) {
            return new Settings(cadence, parallelism, checkpointInterval, checkpointDirectory, restartAttempts,
                    stateBackend, watermarkInterval, bufferTimeout, batching, corrections);
        }
    }

    private final Events events;
    private final Sinks sinks;
    private final RuleSet rules;
    private final Settings settings;
    /** Live mode: the rule directory to watch for new packs, and how often; null otherwise. */
    private final Path reloadFrom;
    private final Duration reloadPoll;

    public PulseJob(Events events, Sinks sinks, RuleSet rules, Settings settings) {
        this(events, sinks, rules, settings, null, null);
    }

    private PulseJob(Events events, Sinks sinks, RuleSet rules, Settings settings, Path reloadFrom, Duration reloadPoll) {
        this.events = Objects.requireNonNull(events, "events cannot be null");
        this.sinks = Objects.requireNonNull(sinks, "sinks cannot be null");
        this.rules = Objects.requireNonNull(rules, "rules cannot be null");
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.reloadFrom = reloadFrom;
        this.reloadPoll = reloadPoll;
    }

    /**
     * This job with hot reload: {@code rulesDir} is read every {@code poll}; a changed pack that
     * passes validation replaces the running one and every customer is re-scored (live mode).
     */
    public PulseJob withRuleReload(Path rulesDir, Duration poll) {
        return new PulseJob(events, sinks, rules, settings, rulesDir, poll);
    }

    /** Events from a history database (SQLite over JDBC), read in event-time order. */
    public static Events history(String historyUrl) {
        return (env, tables) -> HistorySource.read(env, historyUrl, tables);
    }

    /**
     * The history, then the live events of a watched directory: the live stream's watermark starts
     * at the history's end ({@code historyEnd}), so the history is evaluated first and a live event
     * at or before its end is late (the history already has it).
     */
    public static Events historyThenLive(String historyUrl, long historyEnd, Path liveDirectory,
                                         LiveSource.Settings live) {
        return historyThen(historyUrl, (env, tables) -> List.of(LiveSource.directory(env, liveDirectory, historyEnd, live)));
    }

    /** The history, then the live events of a Kafka topic (see {@link #historyThenLive}). */
    public static Events historyThenKafka(String historyUrl, long historyEnd, KafkaTopic topic,
                                          LiveSource.Settings live) {
        return historyThen(historyUrl, (env, tables) -> List.of(LiveSource.kafka(env, topic, historyEnd, live)));
    }

    private static Events historyThen(String historyUrl, Events live) {
        return (env, tables) -> {
            List<DataStream<CustomerEvent>> streams = new ArrayList<>(HistorySource.read(env, historyUrl, tables));
            streams.addAll(live.create(env, tables));
            return streams;
        };
    }

    /**
     * Recommendations, score points and dead letters into the sink database (its tables must exist).
     * Recommendations and points go through one writer ({@link QueueSink}), in one transaction per
     * batch. SQLite has one writer at a time, so its sinks run as one task each: parallel writers
     * would only queue on the database lock (SQLite's busy handler sleeps up to 100 ms a try). One
     * task still keeps each customer's rows in order, as they arrive over one channel from one
     * evaluating task.
     */
    /** The uid Flink gave the committer of the queue's sink when it was a JdbcSink ("Sink Committer: " + its uid). */
    static final String RETIRED_QUEUE_COMMITTER = "Sink Committer: sink-recommended-actions";

    public static Sinks jdbc(SinkDatabase db) {
        return (output, batching) -> {
            DataStream<Either<Recommendation, ScorePoint>> queueRows = output.recommendations()
                    .map(r -> Either.<Recommendation, ScorePoint>Left(r)).returns(QueueSink.type()).name("Recommendations")
                    .union(output.scorePoints().map(p -> Either.<Recommendation, ScorePoint>Right(p))
                            .returns(QueueSink.type()).name("Score points"));
            // Until the score history, the queue's sink was the connector's JdbcSink, whose committer
            // (uid derived from the sink's) has state in a checkpoint taken then: this stateless
            // operator takes that uid so such a checkpoint still restores (its state is not read:
            // at-least-once writes keep nothing).
            SingleOutputStreamOperator<Either<Recommendation, ScorePoint>> claimed = queueRows
                    .filter(row -> true).name("Queue rows").uid(RETIRED_QUEUE_COMMITTER);
            DataStreamSink<?> actions = claimed.sinkTo(new QueueSink(db, batching))
                    .name("Action queue and score history (JDBC)").uid("sink-recommended-actions");
            DataStreamSink<?> deadLetters = output.deadLetters().sinkTo(ActionSink.deadLetters(db, batching))
                    .name("Dead letters (JDBC)").uid("sink-dead-letters");
            if (output.ruleDeployments() != null) {
                output.ruleDeployments().sinkTo(ActionSink.ruleDeployments(db))
                        .name("Rule deployments (JDBC)").uid("sink-rule-deployments").setParallelism(1);
            }
            if (db.dialect().singleWriter()) {
                claimed.setParallelism(1);
                actions.setParallelism(1);
                deadLetters.setParallelism(1);
            }
        };
    }

    /** Runs the job to its end (a replay or backtest; a live job runs until cancelled). */
    public JobExecutionResult execute(StreamExecutionEnvironment env, String jobName) throws Exception {
        build(env);
        JobExecutionResult result = env.execute(jobName);
        if (result.isJobExecutionResult()) { // not a detached submission: the job has finished
            CheckpointDirectoryCleanup.remove(env, result.getJobID());
        }
        return result;
    }

    /** Submits the job and returns at once, so the caller can follow its progress (accumulators). */
    public JobClient executeAsync(StreamExecutionEnvironment env, String jobName) throws Exception {
        build(env);
        return env.executeAsync(jobName);
    }

    /** The tables the pack declares; a pack given to a job has been compiled, so a problem is a bug. */
    static List<DeclaredTable> declaredTables(RuleSet rules) {
        try {
            return rules.declaredTables();
        } catch (RuleCompilationException e) {
            throw new IllegalArgumentException("the rule pack's " + RuleSet.FEATURES_FILE + " has problems: "
                    + e.getMessage(), e);
        }
    }

    /** Configures {@code env} and adds the job's operators to it. */
    void build(StreamExecutionEnvironment env) {
        JobConfiguration.apply(env, settings);
        List<DeclaredTable> tables = declaredTables(rules);
        PulsePipeline.Output output = PulsePipeline.build(events.create(env, tables), rules, settings.cadence(),
                settings.corrections(), reloadFrom == null ? null : RulePackWatcher.watch(env, reloadFrom, rules, reloadPoll));
        sinks.attach(output, settings.sinkBatching());
    }
}
