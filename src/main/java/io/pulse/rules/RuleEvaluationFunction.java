package io.pulse.rules;

import io.pulse.actions.Recommendation;
import io.pulse.events.DeadLetter;
import io.pulse.features.CustomerFeatures;
import io.pulse.job.PulseDescriptors;
import io.pulse.job.PulseMetrics;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

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
 * recommend is emitted once more as {@link Recommendation#SUPERSEDED}, so its row is retired rather
 * than left open. The state keeps only the recommendations written as open.
 */
public class RuleEvaluationFunction
        extends KeyedBroadcastProcessFunction<String, CustomerFeatures, SideInput, Recommendation>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluationFunction.class);

    /** Accumulator: customer evaluations run (the pipeline's main cost; see BENCHMARKS.md). */
    public static final String EVALUATIONS = "evaluations";

    /** Features waiting for the end of the period they are valid as of. */
    public static final MapStateDescriptor<Long, CustomerFeatures> PENDING_FEATURES = new MapStateDescriptor<>(
            "features by valid time", Types.LONG, TypeInformation.of(CustomerFeatures.class));
    /** The recommendations written as open, by action. */
    public static final MapStateDescriptor<String, Recommendation> WRITTEN = new MapStateDescriptor<>(
            "written recommendation by action", Types.STRING, Types.POJO(Recommendation.class));
    public static final ValueStateDescriptor<String> HEALTH_BAND =
            new ValueStateDescriptor<>("health band", Types.STRING);
    public static final ValueStateDescriptor<CustomerFeatures> LATEST_FEATURES =
            new ValueStateDescriptor<>("latest features", TypeInformation.of(CustomerFeatures.class));

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
    private transient MapState<Long, CustomerFeatures> featuresByTime;
    private transient MapState<String, Recommendation> written;
    /** The features of the last evaluation: what a rule reload re-scores. */
    private transient ValueState<CustomerFeatures> latestFeatures;
    /** The health band of the previous evaluation: the band rules damp flapping with it. */
    private transient ValueState<String> healthBand;
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
        restored = context.getOperatorStateStore().getBroadcastState(PulseDescriptors.ACTIVE_RULES)
                .get(PulseDescriptors.ACTIVE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // The active pack is broadcast state already, written on every reload.
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
        written = getRuntimeContext().getMapState(WRITTEN);
        healthBand = getRuntimeContext().getState(HEALTH_BAND);
        latestFeatures = getRuntimeContext().getState(LATEST_FEATURES);
        getRuntimeContext().addAccumulator(EVALUATIONS, evaluations);
        MetricGroup metrics = PulseMetrics.of(getRuntimeContext());
        evaluationCount = metrics.counter(PulseMetrics.EVALUATIONS);
        recommendationsOut = metrics.counter(PulseMetrics.RECOMMENDATIONS_OUT);
        deadLetters = metrics.counter(PulseMetrics.DEAD_LETTERS);
        ruleReloads = metrics.counter(PulseMetrics.RULE_RELOADS);
        evaluationTimeUs = metrics.histogram(PulseMetrics.EVALUATION_TIME_US, new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(CustomerFeatures features, ReadOnlyContext ctx, Collector<Recommendation> out)
            throws Exception {
        featuresByTime.put(features.asOf, features);
        ctx.timerService().registerEventTimeTimer(features.asOf);
    }

    @Override
    public void processBroadcastElement(SideInput input, Context ctx, Collector<Recommendation> out) throws Exception {
        if (input.rules != null) {
            reload(input.rules, ctx, out);
            return;
        }
        Population population = input.population;
        BroadcastState<Long, Population> populations = ctx.getBroadcastState(PulseDescriptors.POPULATIONS);
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
     * ({@link PulseDescriptors#RESCORES}). Only what the new pack changes is written: re-writing an
     * unchanged row for its version alone made the queue's writer the reload's bottleneck.
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
        ctx.getBroadcastState(PulseDescriptors.ACTIVE_RULES).put(PulseDescriptors.ACTIVE, pack);
        ruleReloads.inc();
        Population population = latest(populationsByTime(ctx.getBroadcastState(PulseDescriptors.POPULATIONS)).lastEntry());
        long[] rescored = {0, 0}; // customers, rows written
        if (population != null) {
            ctx.applyToKeyedState(LATEST_FEATURES, (customer, features) -> {
                CustomerFeatures latest = features.value();
                if (latest != null) {
                    rescored[1] += evaluate(latest, population, latest.asOf + 1,
                            (tag, letter) -> ctx.output(tag, letter), out);
                    rescored[0]++;
                }
            });
        }
        long finished = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        ctx.output(PulseDescriptors.RESCORES, new RescoreReport(pack.version(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), rescored[0], rescored[1],
                System.currentTimeMillis()));
        // CPU next to wall time: on a busy machine the difference is waiting for a core or the sink.
        LOG.info("Rule pack {} active: ready in {} ms, {} customers re-scored in {} ms ({} ms CPU), {} rows written",
                pack.version(), (compiled - start) / 1_000_000, rescored[0], (finished - compiled) / 1_000_000,
                cpu / 1_000_000, rescored[1]);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Recommendation> out) throws Exception {
        CustomerFeatures features = featuresByTime.get(timestamp);
        featuresByTime.remove(timestamp);
        if (features == null || !features.isComplete()) {
            return; // not classifiable until both the account and the customer-360 profile are known
        }
        Population population = latest(populationsByTime(ctx.getBroadcastState(PulseDescriptors.POPULATIONS))
                .floorEntry(timestamp));
        if (population == null) {
            return;
        }
        RuleSet active = ctx.getBroadcastState(PulseDescriptors.ACTIVE_RULES).get(PulseDescriptors.ACTIVE);
        if (active != null && !active.version().equals(engine.version())) {
            // Restored from a checkpoint taken after a reload: resume with the last good pack.
            engine = RuleEngine.shared(active, getRuntimeContext().getUserCodeClassLoader());
            LOG.info("Resumed with rule pack {}", active.version());
        }
        latestFeatures.update(features);
        // The period's last millisecond has passed: the recommendation is valid as of the next one
        // (midnight for a daily cadence), and its due time counts from there.
        evaluate(features, population, timestamp + 1, (tag, letter) -> ctx.output(tag, letter), out);
    }

    /** Evaluates one customer (the current key) and emits what changed; returns how many rows it emitted. */
    private int evaluate(CustomerFeatures features, Population population, long asOf,
                          BiConsumer<OutputTag<DeadLetter>, DeadLetter> sideOutput, Collector<Recommendation> out)
            throws Exception {
        CustomerEvaluation evaluation;
        evaluations.add(1);
        evaluationCount.inc();
        long start = System.nanoTime();
        try {
            evaluation = engine.evaluate(new CustomerFacts(features.account, features.profile, features.subscription,
                    features.support, features.planChange, healthBand.value()), population, asOf);
            evaluationTimeUs.update((System.nanoTime() - start) / 1_000);
        } catch (RuntimeException e) {
            deadLetters.inc();
            // A rule threw, looped (stopped at the firing cap) or broke the exactly-one safety net:
            // report it with the rule to blame and keep the customer's last recommendations.
            String rule = e instanceof RuleEvaluationException r ? r.rule() : null;
            sideOutput.accept(PulseDescriptors.DEAD_LETTERS, new DeadLetter(
                    "rules:" + engine.version() + (rule == null ? "" : ":" + rule),
                    "rule evaluation failed: " + e.getMessage(), features.customerId, asOf));
            return 0;
        }
        healthBand.update(evaluation.healthBand());
        Map<String, Recommendation> now = new TreeMap<>();
        for (Recommendation r : evaluation.recommendations()) {
            now.put(r.getAction(), r);
        }
        int emitted = 0;
        for (Recommendation r : now.values()) {
            if (!r.sameRecommendationAs(written.get(r.getAction()))) {
                emitted++;
                out.collect(r);
                recommendationsOut.inc();
                written.put(r.getAction(), r);
            }
        }
        List<Recommendation> retired = new ArrayList<>();
        for (Map.Entry<String, Recommendation> e : written.entries()) {
            if (!now.containsKey(e.getKey())) {
                Recommendation r = e.getValue().supersededAt(asOf);
                r.setRulesetVersion(engine.version()); // retired by this pack, whichever wrote it
                retired.add(r);
            }
        }
        retired.sort((a, b) -> a.getAction().compareTo(b.getAction()));
        for (Recommendation r : retired) {
            out.collect(r);
            recommendationsOut.inc();
            // Forgotten once retired: a recommendation that comes back differs from the retired row
            // (its status at least), so it would be written again either way; state stays small.
            written.remove(r.getAction());
        }
        return emitted + retired.size();
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
