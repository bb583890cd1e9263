package io.pulse.evaluation;

import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.model.RuleDeployment;
import io.pulse.rules.check.TotalityLint;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.events.DeclaredTable;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.flink.PulseMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hot reload (live mode): the rule directory is read every poll interval; a pack whose version
 * (hash) changed is compiled off to the side (once per JVM: the evaluators of this TaskManager
 * take the compiled pack from {@link RuleEngine#shared}) and validated as {@code pulse rules validate} does
 * (sandboxed compile, then the totality lint against the pack's scenarios). A good pack goes on to
 * every rule evaluator; a bad one is rejected and the running pack stays. Every attempt becomes a
 * {@link RuleDeployment} (side output {@link EvaluatorDescriptors#RULE_DEPLOYMENTS}).
 */
public final class RulePackWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RulePackWatcher.class);

    /**
     * How often {@code pulse live} reads the rule directory: reading and hashing a pack of a few
     * files is cheap, and the poll is on the clock of every reload.
     */
    public static final Duration POLL = Duration.ofMillis(250);

    private RulePackWatcher() {}

    /**
     * Validated rule packs; the one the job was started with is validated too, and recorded as
     * active (with its problems, if it has any: it runs nonetheless).
     */
    public static SingleOutputStreamOperator<RuleSet> watch(StreamExecutionEnvironment env, Path rulesDir,
                                                            RuleSet initial, Duration poll) {
        String dir = rulesDir.toAbsolutePath().toString();
        DataGeneratorSource<RuleSet> reads = new DataGeneratorSource<>(new ReadPack(dir), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(1000.0 / Math.max(1, poll.toMillis())), TypeInformation.of(RuleSet.class));
        WatermarkStrategy<RuleSet> noHold = WatermarkStrategy.forGenerator(ctx -> new NeverHoldsBack());
        return env.fromSource(reads, noHold, "Rule directory: " + rulesDir.getFileName())
                .uid("rule-directory")
                .setParallelism(1)
                .process(new Validate(dir, initial))
                .uid("validate-rule-packs")
                .name("Validate rule packs")
                .setParallelism(1);
    }

    /** Watermarks of the rule stream: Long.MAX_VALUE, so the evaluators' event time follows the events alone. */
    static final class NeverHoldsBack implements WatermarkGenerator<RuleSet> {
        @Override
        public void onEvent(RuleSet event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }

    /** The pack as it is on disk now (null fields are not allowed: an unreadable directory repeats the start). */
    static final class ReadPack implements GeneratorFunction<Long, RuleSet> {
        private final String dir;

        ReadPack(String dir) {
            this.dir = dir;
        }

        @Override
        public RuleSet map(Long tick) throws IOException {
            return RuleSet.load(Path.of(dir));
        }
    }

    /**
     * Compiles and lints each new version; passes the good ones on, records every attempt. What it
     * has decided (the active version, since when, the last version seen) is checkpointed, so a
     * restored job neither records its start pack as active again nor re-judges a pack it has seen.
     */
    static final class Validate extends ProcessFunction<RuleSet, RuleSet> implements CheckpointedFunction {
        private final String dir;
        private final RuleSet initial;
        /** Versions already decided (the active one, or a rejected one still on disk). */
        private transient String lastSeen;
        private transient String active;
        private transient long activeSince;
        /** Whether a pack has been compiled and linted since this operator (re)started. */
        private transient boolean validatedSinceStart;
        /**
         * The engine of the last accepted pack: it keeps the compiled pack in this JVM's
         * {@link RuleEngine#shared} cache for the evaluators that switch to it.
         */
        private transient RuleEngine accepted;
        /** [active, activeSince, lastSeen] */
        private transient ListState<String> decided;
        private transient Counter acceptedCount;
        private transient Counter rejectedCount;

        @Override
        public void open(OpenContext openContext) {
            acceptedCount = PulseMetrics.of(getRuntimeContext()).counter(PulseMetrics.RULE_PACKS_ACCEPTED);
            rejectedCount = PulseMetrics.of(getRuntimeContext()).counter(PulseMetrics.RULE_PACKS_REJECTED);
        }

        Validate(String dir, RuleSet initial) {
            this.dir = dir;
            this.initial = initial;
        }

        /**
         * The first pack this operator sees after a (re)start is validated even if it was judged
         * before: its problems are worth a record, and the JIT compiles the validation path now
         * rather than on the clock of the first reload (see BENCHMARKS.md, "Rule reload").
         */
        @Override
        public void processElement(RuleSet pack, Context ctx, Collector<RuleSet> out) {
            if (active == null) {
                // A fresh start: the pack the job was given runs in any case; a problem is on its row.
                List<String> problems = problems(initial);
                if (!problems.isEmpty()) {
                    LOG.warn("The rule pack the job started with, {} from {}, does not validate; it runs nonetheless:\n  {}",
                            initial.version(), dir, String.join("\n  ", problems));
                }
                active = initial.version();
                activeSince = System.currentTimeMillis();
                lastSeen = active;
                validatedSinceStart = true;
                RuleDeployment started = new RuleDeployment(active, activeSince, RuleDeployment.ACTIVE,
                        String.join("\n", problems));
                started.backfilledFeatures = accepted == null ? null
                        : String.join(",", accepted.declaredFeatures().newOrChangedSince(FeatureDeclarations.NONE));
                ctx.output(EvaluatorDescriptors.RULE_DEPLOYMENTS, started);
            }
            if (pack.version().equals(lastSeen)) {
                if (!validatedSinceStart) { // restored: judged and recorded before this restart
                    problems(pack);
                    validatedSinceStart = true;
                }
                return;
            }
            lastSeen = pack.version();
            validatedSinceStart = true;
            RuleEngine before = accepted; // null after a restart: every declared feature counts as new
            List<String> problems = problems(pack);
            long now = System.currentTimeMillis();
            if (!problems.isEmpty()) {
                rejectedCount.inc();
                LOG.warn("Rule reload rejected: pack {} from {} does not validate; {} keeps running:\n  {}", pack.version(), dir, active,
                        String.join("\n  ", problems));
                ctx.output(EvaluatorDescriptors.RULE_DEPLOYMENTS,
                        new RuleDeployment(pack.version(), now, RuleDeployment.REJECTED, String.join("\n", problems)));
                return;
            }
            acceptedCount.inc();
            LOG.info("Rule reload accepted: deploying pack {} from {} (replaces {})", pack.version(), dir, active);
            ctx.output(EvaluatorDescriptors.RULE_DEPLOYMENTS,
                    new RuleDeployment(active, activeSince, RuleDeployment.REPLACED, ""));
            RuleDeployment deployed = new RuleDeployment(pack.version(), now, RuleDeployment.ACTIVE, "");
            deployed.backfilledFeatures = String.join(",", accepted.declaredFeatures().newOrChangedSince(
                    before == null ? FeatureDeclarations.NONE : before.declaredFeatures()));
            ctx.output(EvaluatorDescriptors.RULE_DEPLOYMENTS, deployed);
            active = pack.version();
            activeSince = now;
            out.collect(pack);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            decided = context.getOperatorStateStore().getListState(
                    new ListStateDescriptor<>("active and last seen rule pack", Types.STRING));
            List<String> restored = new ArrayList<>();
            decided.get().forEach(restored::add);
            if (restored.size() == 3) {
                active = restored.get(0);
                activeSince = Long.parseLong(restored.get(1));
                lastSeen = restored.get(2);
                LOG.info("Rule directory {}: resuming with rule pack {} active (last seen {})", dir, active, lastSeen);
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            decided.clear();
            if (active != null) {
                decided.addAll(List.of(active, Long.toString(activeSince), lastSeen));
            }
        }

        /** Compiles and lints the pack; no problems: it is kept as {@link #accepted}. */
        private List<String> problems(RuleSet pack) {
            try {
                List<String> tables = tablesChanged(pack, initial);
                if (!tables.isEmpty()) {
                    return tables;
                }
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                RuleEngine engine = RuleEngine.shared(pack, getRuntimeContext().getUserCodeClassLoader());
                long compiled = System.nanoTime();
                long cpuCompiled = threads.getCurrentThreadCpuTime();
                TotalityLint.Report lint = TotalityLint.run(engine, Path.of(dir, "scenarios"));
                LOG.info("Rule pack {} validated: compiled in {} ms ({} ms CPU), totality lint over {} customers in {} ms"
                                + " ({} ms CPU on this thread)", pack.version(), (compiled - start) / 1_000_000,
                        (cpuCompiled - cpuStart) / 1_000_000, lint.customers(), (System.nanoTime() - compiled) / 1_000_000,
                        (threads.getCurrentThreadCpuTime() - cpuCompiled) / 1_000_000);
                if (lint.problems().isEmpty()) {
                    accepted = engine;
                }
                return lint.problems();
            } catch (RuleCompilationException e) {
                return e.problems();
            } catch (IOException | RuntimeException e) {
                return List.of(dir + ": " + e.getMessage());
            }
        }
    }

    /**
     * The job reads the tables its first pack declares, from the history's start: a pack that
     * declares other tables (or other columns of them) would count rows it never read, so it is
     * refused until the job restarts with it. Empty when the tables are the job's.
     */
    private static List<String> tablesChanged(RuleSet pack, RuleSet initial) throws RuleCompilationException {
        List<DeclaredTable> running = initial.declaredTables();
        List<String> problems = new ArrayList<>();
        for (DeclaredTable t : pack.declaredTables()) {
            if (!running.stream().anyMatch(r -> sameRead(r, t))) {
                problems.add(RuleSet.FEATURES_FILE + ":" + t.line() + ": table " + t.name() + " is not read by the"
                        + " running job as declared here (a live job reads the tables of the pack it started with):"
                        + " restart the job with this pack to read its history");
            }
        }
        return problems;
    }

    /** Whether two declarations read the same rows and columns, wherever they are written. */
    private static boolean sameRead(DeclaredTable a, DeclaredTable b) {
        return a.name().equals(b.name()) && a.table().equals(b.table()) && a.idColumn().equals(b.idColumn())
                && a.timeColumn().equals(b.timeColumn()) && a.customerKey() == b.customerKey()
                && a.customerColumn().equals(b.customerColumn()) && a.columns().equals(b.columns());
    }

    /** The validated packs as broadcast side input. */
    public static DataStream<BroadcastUpdate> asSideInput(DataStream<RuleSet> packs) {
        return packs.map(BroadcastUpdate::of).returns(TypeInformation.of(BroadcastUpdate.class)).name("Rule packs").setParallelism(1);
    }
}
