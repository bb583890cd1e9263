package io.pulse.rules;

import io.pulse.actions.Recommendation;
import io.pulse.events.DeadLetter;
import io.pulse.features.CustomerFeatures;
import io.pulse.job.PulseDescriptors;
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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Only changes are emitted: a recommendation equal to the one last written (ignoring the time
 * it is valid as of) is not re-written, and an action the rules no longer recommend is emitted once
 * more as {@link Recommendation#SUPERSEDED}, so its row is retired rather than left open.
 */
public class RuleEvaluationFunction
        extends KeyedBroadcastProcessFunction<String, CustomerFeatures, Population, Recommendation> {
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluationFunction.class);

    /** Accumulator: customer evaluations run (the pipeline's main cost; see BENCHMARKS.md). */
    public static final String EVALUATIONS = "evaluations";

    private final RuleSet rules;
    private final LongCounter evaluations = new LongCounter();

    private transient RuleEngine engine;
    private transient MapState<Long, CustomerFeatures> featuresByTime;
    private transient MapState<String, Recommendation> written;
    /** The health band of the previous evaluation: the band rules damp flapping with it. */
    private transient ValueState<String> healthBand;

    public RuleEvaluationFunction(RuleSet rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        long start = System.nanoTime();
        // Compiled once per task, on the task thread, with the job's classloader.
        engine = RuleEngine.compile(rules, getRuntimeContext().getUserCodeClassLoader());
        LOG.info("Compiled rule pack {} in {} ms", rules.version(), (System.nanoTime() - start) / 1_000_000);
        featuresByTime = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "features by valid time", Types.LONG, TypeInformation.of(CustomerFeatures.class)));
        written = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "written recommendation by action", Types.STRING, Types.POJO(Recommendation.class)));
        healthBand = getRuntimeContext().getState(new ValueStateDescriptor<>("health band", Types.STRING));
        getRuntimeContext().addAccumulator(EVALUATIONS, evaluations);
    }

    @Override
    public void processElement(CustomerFeatures features, ReadOnlyContext ctx, Collector<Recommendation> out)
            throws Exception {
        featuresByTime.put(features.asOf, features);
        ctx.timerService().registerEventTimeTimer(features.asOf);
    }

    @Override
    public void processBroadcastElement(Population population, Context ctx, Collector<Recommendation> out)
            throws Exception {
        BroadcastState<Long, Population> populations = ctx.getBroadcastState(PulseDescriptors.POPULATIONS);
        populations.put(population.getAsOf(), population);
        // Keep the newest snapshot at or behind the watermark (pending timers are all later) and
        // everything after it.
        long watermark = ctx.currentWatermark();
        long keepFrom = Long.MIN_VALUE;
        for (Map.Entry<Long, Population> e : populations.immutableEntries()) {
            if (e.getKey() <= watermark) {
                keepFrom = Math.max(keepFrom, e.getKey());
            }
        }
        List<Long> stale = new ArrayList<>();
        for (Map.Entry<Long, Population> e : populations.immutableEntries()) {
            if (e.getKey() < keepFrom) {
                stale.add(e.getKey());
            }
        }
        for (Long asOf : stale) {
            populations.remove(asOf);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Recommendation> out) throws Exception {
        CustomerFeatures features = featuresByTime.get(timestamp);
        featuresByTime.remove(timestamp);
        if (features == null || !features.isComplete()) {
            return; // not classifiable until both the account and the customer-360 profile are known
        }
        Population population = populationAsOf(ctx.getBroadcastState(PulseDescriptors.POPULATIONS), timestamp);
        if (population == null) {
            return;
        }
        // The period's last millisecond has passed: the recommendation is valid as of the next one
        // (midnight for a daily cadence), and its due time counts from there.
        long asOf = timestamp + 1;
        CustomerEvaluation evaluation;
        evaluations.add(1);
        try {
            evaluation = engine.evaluate(new CustomerFacts(features.account, features.profile, features.subscription,
                    features.support, features.planChange, healthBand.value()), population, asOf);
        } catch (RuntimeException e) {
            // A rule threw, looped (stopped at the firing cap) or broke the exactly-one safety net:
            // report it with the rule to blame and keep the customer's last recommendations.
            String rule = e instanceof RuleEvaluationException r ? r.rule() : null;
            ctx.output(PulseDescriptors.DEAD_LETTERS, new DeadLetter(
                    "rules:" + rules.version() + (rule == null ? "" : ":" + rule),
                    "rule evaluation failed: " + e.getMessage(), features.customerId, asOf));
            return;
        }
        healthBand.update(evaluation.healthBand());
        Map<String, Recommendation> now = new TreeMap<>();
        for (Recommendation r : evaluation.recommendations()) {
            now.put(r.getAction(), r);
        }
        for (Recommendation r : now.values()) {
            if (!r.sameRecommendationAs(written.get(r.getAction()))) {
                out.collect(r);
                written.put(r.getAction(), r);
            }
        }
        List<Recommendation> retired = new ArrayList<>();
        for (Map.Entry<String, Recommendation> e : written.entries()) {
            if (!now.containsKey(e.getKey()) && Recommendation.OPEN.equals(e.getValue().getPipelineStatus())) {
                retired.add(e.getValue().supersededAt(asOf));
            }
        }
        retired.sort((a, b) -> a.getAction().compareTo(b.getAction()));
        for (Recommendation r : retired) {
            out.collect(r);
            written.put(r.getAction(), r);
        }
    }

    private static Population populationAsOf(ReadOnlyBroadcastState<Long, Population> populations, long time)
            throws Exception {
        Population best = null;
        for (Map.Entry<Long, Population> e : populations.immutableEntries()) {
            if (e.getKey() <= time && (best == null || e.getKey() > best.getAsOf())) {
                best = e.getValue();
            }
        }
        return best;
    }
}
