package io.pulse.backtest;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventValidator;
import io.pulse.history.HistorySource;
import io.pulse.job.CheckpointDirectoryCleanup;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One rule set through the real job ({@link PulseJob}: the replay's sources and operators), with
 * the history cut at the window's end and the recommendation log as the only sink.
 *
 * <p>The whole history before the window is replayed too: features, rolling windows and the
 * population figures at the window's start are then exactly what live mode would have had.
 * Events from the window's end on are dropped where they are read, so no rule can see them.
 */
public final class BacktestJob {
    private BacktestJob() {}

    /** What a run took. */
    public record Run(String logUrl, long events, double seconds) {}

    static Run run(String historyUrl, RuleSet rules, BacktestWindow window, int parallelism, Path logFile,
                   String label, boolean progress) throws Exception {
        String logUrl = RecommendationLog.url(logFile);
        RecommendationLog.create(logUrl);
        PulseJob job = new PulseJob(historyBefore(historyUrl, window), RecommendationLog.sinks(logUrl), rules,
                PulseJob.Settings.defaults().withParallelism(parallelism));
        long start = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient client = job.executeAsync(env, "Pulse backtest (" + label + ")");
        CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
        JobExecutionResult result = progress
                ? followWithProgressBar(client, done, EventTables.eventsBefore(historyUrl, window.endMs()), label)
                : done.get();
        CheckpointDirectoryCleanup.remove(env, result.getJobID());
        long read = result.<Long>getAccumulatorResult(EventValidator.EVENTS_IN);
        return new Run(logUrl, read, (System.nanoTime() - start) / 1e9);
    }

    /** The history's events before the window's end, each stream cut where it is read. */
    public static PulseJob.Events historyBefore(String historyUrl, BacktestWindow window) {
        return (env, tables) -> {
            List<DataStream<CustomerEvent>> cut = new ArrayList<>();
            for (DataStream<CustomerEvent> s : HistorySource.read(env, historyUrl, tables)) {
                cut.add(s.filter(new Before(window.endMs())).name("Before " + window.to().plusDays(1))
                        .setParallelism(s.getParallelism()));
            }
            return cut;
        };
    }

    /** A console bar of events read, polled from the running job's accumulators. */
    private static JobExecutionResult followWithProgressBar(JobClient client, CompletableFuture<JobExecutionResult> done,
                                                            long expectedEvents, String label) throws Exception {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(expectedEvents)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" events", 1).showSpeed().build()) {
            while (true) {
                try {
                    JobExecutionResult result = done.get(500, TimeUnit.MILLISECONDS);
                    bar.stepTo(result.<Long>getAccumulatorResult(EventValidator.EVENTS_IN));
                    return result;
                } catch (TimeoutException stillRunning) {
                    bar.stepTo(eventsRead(client));
                }
            }
        }
    }

    private static long eventsRead(JobClient client) {
        try {
            Map<String, Object> acc = client.getAccumulators().get(2, TimeUnit.SECONDS);
            Object v = acc.get(EventValidator.EVENTS_IN);
            return v instanceof Long n ? n : 0;
        } catch (Exception notYetRunning) {
            return 0;
        }
    }

    /** Keeps the events before the window's end (and those without a readable time, for the dead letters). */
    static final class Before implements FilterFunction<CustomerEvent> {
        private final long endMs;

        Before(long endMs) {
            this.endMs = endMs;
        }

        @Override
        public boolean filter(CustomerEvent e) {
            return e.eventTime < endMs;
        }
    }
}
