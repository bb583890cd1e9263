package io.pulse.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * Pulse's own Flink metrics, all in the {@value #GROUP} group of the operator that counts them
 * (so a reporter names them {@code <operator scope>.pulse.<name>}). Counters are per parallel
 * instance; sum them over instances (and, for dead letters, over the operators that reject).
 */
public final class PulseMetrics {
    public static final String GROUP = "pulse";

    /** Events that reached the pipeline, valid or not (each source's validator). */
    public static final String EVENTS_IN = "eventsIn";
    /** Dead letters: invalid events (validators), late events (customer features), failed evaluations (evaluator). */
    public static final String DEAD_LETTERS = "deadLetters";
    /** Late events within the correction horizon, taken in as corrections (customer features). */
    public static final String CORRECTIONS = "corrections";
    /** Events sent again (same source, type and event time), counted once (customer features). */
    public static final String DUPLICATES = "duplicates";
    /** Customer evaluations run (evaluator). */
    public static final String EVALUATIONS = "evaluations";
    /** Time of one customer evaluation in microseconds, over the last 1,000 (evaluator; a histogram). */
    public static final String EVALUATION_TIME_US = "evaluationTimeUs";
    /** Recommendation changes written to the action queue (evaluator). */
    public static final String RECOMMENDATIONS_OUT = "recommendationsOut";
    /** Rule packs an evaluator instance switched to while running (evaluator). */
    public static final String RULE_RELOADS = "ruleReloads";
    /** Changed rule packs that passed validation and were deployed (rule pack validator). */
    public static final String RULE_PACKS_ACCEPTED = "rulePacksAccepted";
    /** Changed rule packs that failed validation (rule pack validator). */
    public static final String RULE_PACKS_REJECTED = "rulePacksRejected";

    private PulseMetrics() {}

    /** The {@value #GROUP} group of the calling operator instance. */
    public static MetricGroup of(RuntimeContext context) {
        return context.getMetricGroup().addGroup(GROUP);
    }
}
