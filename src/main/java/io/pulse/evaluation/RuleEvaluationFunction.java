package io.pulse.evaluation;

import io.pulse.flink.SideOutputs;
import io.pulse.rules.engine.CustomerEvaluation;
import io.pulse.rules.engine.CustomerFacts;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.engine.RuleEvaluationException;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.model.Recommendation;
import io.pulse.model.DeadLetter;
import io.pulse.model.ScorePoint;
import io.pulse.features.PeriodFeatures;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.flink.PulseMetrics;
import io.pulse.flink.SnapshotThreads;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.flink.util.OutputTag;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Iterator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Evaluates each customer against the Drools rule pack and emits the recommendations that changed.
 *
 * <p>Determinism: a customer is evaluated in an event-time timer at the end of the period its
 * features are valid as of, never on arrival, with the features of exactly that period (kept by
 * time, since a later period's may arrive first). The operator's watermark is the minimum of the
 * features input and the population broadcast, so when the timer fires every population snapshot
 * stamped up to that time has arrived, whatever the parallelism or the speed of the run; the
 * evaluation uses the latest one.
 *
 * <p>Rule reload (live mode): a validated pack on the broadcast side replaces the running one on
 * every instance, is kept in broadcast state (so a restore resumes with it), and every customer is
 * re-scored at once from its latest features, not only when its next event comes. As for any
 * evaluation, only the rows it changes are written (a row's {@code ruleset_version} is the pack that
 * produced its content); each instance then reports how many customers it re-scored, for
 * {@code rule_deployments}.
 *
 * <p>Only changes are emitted: a recommendation equal to the one last written (ignoring the time
 * it is valid as of and the pack version) is not re-written, and an action the rules no longer
 * recommend is emitted once more as {@link Recommendation#SUPERSEDED} (key only: the sinks keep the
 * content last written), so its row is retired rather than left open.
 *
 * <p>State per customer: one packed {@link EvaluatorState} (health band, a fingerprint of each
 * recommendation written as open, the latest features compressed) and the features waiting for their
 * period's end.
 */
public class RuleEvaluationFunction
        extends KeyedBroadcastProcessFunction<String, PeriodFeatures, BroadcastUpdate, Recommendation>
        implements CheckpointedFunction, CheckpointListener {
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluationFunction.class);

    /** Accumulator: customer evaluations run (the pipeline's main cost; see BENCHMARKS.md). */
    public static final String EVALUATIONS = "evaluations";

    /** Features waiting for the end of the period they are valid as of. */
    public static final MapStateDescriptor<Long, PeriodFeatures> PENDING_FEATURES = new MapStateDescriptor<>(
            "features by valid time", Types.LONG, TypeInformation.of(PeriodFeatures.class));
    /** The customer's {@link EvaluatorState}, packed. */
    public static final ValueStateDescriptor<byte[]> EVALUATED =
            new ValueStateDescriptor<>("evaluated", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final RuleSet rules;
    private final LongCounter evaluations = new LongCounter();

    private transient RuleEngine engine;
    /** The active pack found in the broadcast state of a restored checkpoint (live mode), else null. */
    private transient RuleSet restored;
    private transient Counter evaluationCount;
    private transient Counter recommendationsOut;
    private transient Counter deadLetters;
    private transient Counter ruleReloads;
    private transient Histogram evaluationTimeUs;
    private transient MapState<Long, PeriodFeatures> featuresByTime;
    private transient ValueState<byte[]> evaluated;
    private transient EvaluatorState.Codec codec;
    /**
     * The broadcast population snapshots in time order, for one floor lookup per evaluation (the
     * broadcast state itself can only be scanned). Only {@link #processBroadcastElement} changes
     * the broadcast state, and it changes this copy with it; null until first used, so a restored
     * task fills it from the restored broadcast state.
     */
    private transient TreeMap<Long, Population> populationsByTime;

    public RuleEvaluationFunction(RuleSet rules) {
        this.rules = rules;
    }

    /**
     * Runs before {@link #open}: after a restore, the broadcast state holds the last good pack
     * deployed while running, and that one is compiled instead of the pack the job was started with.
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        restored = context.getOperatorStateStore().getBroadcastState(EvaluatorDescriptors.ACTIVE_RULES)
                .get(EvaluatorDescriptors.ACTIVE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // The active pack is broadcast state already, written on every reload.
    }

    /** From the second checkpoint on, the snapshot threads yield to record processing ({@link SnapshotThreads}). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        SnapshotThreads.yieldToRecordProcessing();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        long start = System.nanoTime();
        RuleSet pack = restored != null ? restored : rules;
        // Compiled once per TaskManager (RuleEngine.shared: its other evaluators wait for it), with the job's classloader.
        engine = RuleEngine.shared(pack, getRuntimeContext().getUserCodeClassLoader());
        if (restored != null) {
            LOG.info("Resumed with rule pack {} from the restored state (ready in {} ms); the start pack {} is not used",
                    pack.version(), (System.nanoTime() - start) / 1_000_000, rules.version());
        } else {
            LOG.info("Rule pack {} ready in {} ms (compiled once in this TaskManager)", pack.version(), (System.nanoTime() - start) / 1_000_000);
        }
        featuresByTime = getRuntimeContext().getMapState(PENDING_FEATURES);
        evaluated = getRuntimeContext().getState(EVALUATED);
        codec = EvaluatorState.Codec.of(getRuntimeContext()::createSerializer);
        getRuntimeContext().addAccumulator(EVALUATIONS, evaluations);
        MetricGroup metrics = PulseMetrics.of(getRuntimeContext());
        evaluationCount = metrics.counter(PulseMetrics.EVALUATIONS);
        recommendationsOut = metrics.counter(PulseMetrics.RECOMMENDATIONS_OUT);
        deadLetters = metrics.counter(PulseMetrics.DEAD_LETTERS);
        ruleReloads = metrics.counter(PulseMetrics.RULE_RELOADS);
        evaluationTimeUs = metrics.histogram(PulseMetrics.EVALUATION_TIME_US, new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(PeriodFeatures features, ReadOnlyContext ctx, Collector<Recommendation> out)
            throws Exception {
        featuresByTime.put(features.asOf, features);
        ctx.timerService().registerEventTimeTimer(features.asOf);
    }

    @Override
    public void processBroadcastElement(BroadcastUpdate input, Context ctx, Collector<Recommendation> out) throws Exception {
        if (input.rules != null) {
            reload(input.rules, ctx, out);
            return;
        }
        Population population = input.population;
        BroadcastState<Long, Population> populations = ctx.getBroadcastState(EvaluatorDescriptors.POPULATIONS);
        TreeMap<Long, Population> byTime = populationsByTime(populations);
        populations.put(population.getAsOf(), population);
        byTime.put(population.getAsOf(), population);
        // Keep the newest snapshot at or behind the watermark (pending timers are all later) and
        // everything after it.
        Long keepFrom = byTime.floorKey(ctx.currentWatermark());
        if (keepFrom != null) {
            for (Iterator<Long> stale = byTime.headMap(keepFrom).keySet().iterator(); stale.hasNext(); ) {
                populations.remove(stale.next());
                stale.remove();
            }
        }
    }

    /**
     * Switches to a validated pack and re-scores every customer evaluated so far, then reports it
     * ({@link EvaluatorDescriptors#RESCORES}). Only what the new pack changes is written, so the queue's
     * writer does not bound the reload.
     */
    private void reload(RuleSet pack, Context ctx, Collector<Recommendation> out) throws Exception {
        if (pack.version().equals(engine.version())) {
            return;
        }
        long start = System.nanoTime();
        try {
            engine = RuleEngine.shared(pack, getRuntimeContext().getUserCodeClassLoader());
        } catch (RuleCompilationException e) { // validated upstream: only a broken class path gets here
            LOG.error("Rule pack {} does not compile here; {} keeps running: {}", pack.version(), engine.version(),
                    e.getMessage());
            return;
        }
        long compiled = System.nanoTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        ctx.getBroadcastState(EvaluatorDescriptors.ACTIVE_RULES).put(EvaluatorDescriptors.ACTIVE, pack);
        ruleReloads.inc();
        Population population = latest(populationsByTime(ctx.getBroadcastState(EvaluatorDescriptors.POPULATIONS)).lastEntry());
        long[] rescored = population == null ? new long[] {0, 0} : rescoreAll(population, ctx, out);
        long finished = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        ctx.output(EvaluatorDescriptors.RESCORES, new RescoreReport(pack.version(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), rescored[0], rescored[1],
                System.currentTimeMillis()));
        // CPU next to wall time: on a busy machine the difference is waiting for a core or the sink.
        LOG.info("Rule pack {} active: ready in {} ms, {} customers re-scored in {} ms ({} ms CPU), {} rows written",
                pack.version(), (compiled - start) / 1_000_000, rescored[0], (finished - compiled) / 1_000_000,
                cpu / 1_000_000, rescored[1]);
    }

    /** Re-scores every customer evaluated so far with the current engine; returns {customers, rows written}. */
    private long[] rescoreAll(Population population, Context ctx, Collector<Recommendation> out) throws Exception {
        long[] rescored = {0, 0};
        ctx.applyToKeyedState(EVALUATED, (customer, packed) -> {
            EvaluatorState state = codec.decode(packed.value());
            PeriodFeatures latest = codec.features(state);
            if (latest != null) {
                int written = evaluate(latest, state, population, latest.asOf + 1,
                        ctx::output, out);
                rescored[0]++;
                rescored[1] += written;
                // Most customers come out as they were: their packed state says so already.
                byte[] now = codec.encode(state);
                if (written > 0 || !Arrays.equals(now, packed.value())) {
                    packed.update(now);
                }
            }
        });
        return rescored;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Recommendation> out) throws Exception {
        PeriodFeatures features = featuresByTime.get(timestamp);
        featuresByTime.remove(timestamp);
        if (features == null) {
            return;
        }
        EvaluatorState state = null;
        if (features.observations != null) {
            // Kept whether or not the customer can be evaluated yet: its declared features need them later.
            state = state();
            state.observe(features.observations, timestamp + 1);
            features.observations = null;
        }
        Population population = latest(populationsByTime(ctx.getBroadcastState(EvaluatorDescriptors.POPULATIONS))
                .floorEntry(timestamp));
        if (!features.isComplete() || population == null) {
            // Not classifiable until both the account and the customer-360 profile are known.
            if (state != null) {
                evaluated.update(codec.encode(state));
            }
            return;
        }
        RuleSet active = ctx.getBroadcastState(EvaluatorDescriptors.ACTIVE_RULES).get(EvaluatorDescriptors.ACTIVE);
        if (active != null && !active.version().equals(engine.version())) {
            // Restored from a checkpoint taken after a reload: resume with the last good pack.
            engine = RuleEngine.shared(active, getRuntimeContext().getUserCodeClassLoader());
            LOG.info("Resumed with rule pack {}", active.version());
        }
        if (state == null) {
            state = state();
        }
        codec.setFeatures(state, features);
        // The period's last millisecond has passed: the recommendation is valid as of the next one
        // (midnight for a daily cadence), and its due time counts from there.
        evaluate(features, state, population, timestamp + 1, ctx::output, out);
        evaluated.update(codec.encode(state));
    }

    /** The current customer's state; empty before its first evaluation. */
    private EvaluatorState state() throws Exception {
        byte[] packed = evaluated.value();
        return packed != null ? codec.decode(packed) : new EvaluatorState();
    }

    /**
     * Evaluates one customer (the current key), emits what changed and keeps it in {@code state};
     * returns how many rows it emitted.
     */
    private int evaluate(PeriodFeatures features, EvaluatorState state, Population population, long asOf,
                          SideOutput sideOutput, Collector<Recommendation> out)
            throws Exception {
        CustomerEvaluation evaluation;
        evaluations.add(1);
        evaluationCount.inc();
        long start = System.nanoTime();
        try {
            FeatureDeclarations declared = engine.declaredFeatures();
            evaluation = engine.evaluate(new CustomerFacts(features.account, features.profile, features.subscription,
                    features.support, features.planChange, state.previous(asOf),
                    declared.isEmpty() ? Map.of() : declared.valuesOf(state.observationLog(), asOf)), population, asOf);
            evaluationTimeUs.update((System.nanoTime() - start) / 1_000);
        } catch (RuntimeException e) {
            deadLetters.inc();
            // A rule threw, looped (stopped at the firing cap or the time budget) or broke the
            // exactly-one safety net: report it with the rule to blame and keep the customer's last
            // recommendations.
            String rule = e instanceof RuleEvaluationException r ? r.rule() : null;
            sideOutput.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "rules:" + engine.version() + (rule == null ? "" : ":" + rule),
                    "rule evaluation failed: " + e.getMessage(), features.customerId, asOf));
            return 0;
        }
        ScorePoint point = state.scorePoint(evaluation);
        if (point != null) {
            sideOutput.output(EvaluatorDescriptors.SCORE_POINTS, point);
        }
        state.classified(evaluation);
        Map<String, Recommendation> now = new TreeMap<>();
        for (Recommendation r : evaluation.recommendations()) {
            now.put(r.getAction(), r);
        }
        int emitted = 0;
        for (Recommendation r : now.values()) {
            Recommendation.Fingerprint fingerprint = r.fingerprint();
            Recommendation.Fingerprint written = state.open().get(r.getAction());
            if (written == null) {
                state.opened(r.getAction(), asOf);
            }
            if (!fingerprint.sameRecommendationAs(written)) {
                emitted++;
                out.collect(r);
                recommendationsOut.inc();
                state.open().put(r.getAction(), fingerprint);
            }
        }
        // In action order (the state's map is sorted); retired by this pack, whichever wrote the row.
        List<String> retired = state.open().keySet().stream().filter(action -> !now.containsKey(action)).toList();
        for (String action : retired) {
            out.collect(Recommendation.retired(features.customerId, action, engine.version(), asOf));
            recommendationsOut.inc();
            // Forgotten once retired: a recommendation that comes back differs from the retired row
            // (its status at least), so it would be written again either way; state stays small.
            state.open().remove(action);
        }
        return emitted + retired.size();
    }

    /** Where {@link #evaluate} sends dead letters and score points: the calling context's side outputs. */
    private interface SideOutput {
        <X> void output(OutputTag<X> tag, X value);
    }

    private TreeMap<Long, Population> populationsByTime(ReadOnlyBroadcastState<Long, Population> populations)
            throws Exception {
        if (populationsByTime == null) {
            populationsByTime = new TreeMap<>();
            for (Map.Entry<Long, Population> e : populations.immutableEntries()) {
                populationsByTime.put(e.getKey(), e.getValue());
            }
        }
        return populationsByTime;
    }

    private static Population latest(Map.Entry<Long, Population> snapshot) {
        return snapshot == null ? null : snapshot.getValue();
    }
}
