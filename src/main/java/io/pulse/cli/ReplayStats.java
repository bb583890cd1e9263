package io.pulse.cli;

import io.pulse.events.EventValidator;
import io.pulse.evaluation.RuleEvaluationFunction;
import org.apache.flink.api.common.JobExecutionResult;

import java.util.concurrent.TimeUnit;

/** Throughput of a finished replay, with and without the job's start-up (cluster, rule compile). */
record ReplayStats(long events, long evaluations, double processingSeconds, double totalSeconds) {

    static ReplayStats of(JobExecutionResult result, long endedAtMs) {
        long events = result.<Long>getAccumulatorResult(EventValidator.EVENTS_IN);
        Long firstEventAt = result.getAccumulatorResult(EventValidator.FIRST_EVENT_AT);
        double total = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
        double processing = firstEventAt == null || events == 0 ? total : (endedAtMs - firstEventAt) / 1000.0;
        Long evaluations = result.getAccumulatorResult(RuleEvaluationFunction.EVALUATIONS);
        return new ReplayStats(events, evaluations == null ? 0 : evaluations, processing, total);
    }

    double eventsPerSecond() {
        return processingSeconds <= 0 ? 0 : events / processingSeconds;
    }
}
