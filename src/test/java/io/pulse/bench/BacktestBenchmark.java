package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.backtest.Backtest;
import io.pulse.backtest.BacktestJob;
import io.pulse.backtest.BacktestWindow;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;

/**
 * A backtest against a plain replay of the same window (the history up to the window's end, into
 * a fresh SQLite queue), both in-process at the same parallelism. Not a test: run it by hand, see
 * BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.BacktestBenchmark HISTORY.sqlite FROM TO [parallelism] [rules-dir]</pre>
 */
public final class BacktestBenchmark {

    public static void main(String[] args) throws Exception {
        Path history = Path.of(args[0]);
        BacktestWindow window = new BacktestWindow(LocalDate.parse(args[1]), LocalDate.parse(args[2]),
                Duration.ofDays(90));
        int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path rules = Path.of(args.length > 4 ? args[4] : "rules");
        String historyUrl = "jdbc:sqlite:" + history.toAbsolutePath();

        Path sinkFile = Files.createTempFile("pulse-bench-queue", ".sqlite");
        Files.delete(sinkFile);
        SinkDatabase queue = SinkDatabase.of("jdbc:sqlite:" + sinkFile);
        queue.createSchema();
        long t0 = System.nanoTime();
        new PulseJob(BacktestJob.historyBefore(historyUrl, window), PulseJob.jdbc(queue), RuleSet.load(rules),
                PulseJob.Settings.defaults().withParallelism(parallelism))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay benchmark");
        double replaySeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("replay of the window, p=%d: %.1f s%n", parallelism, replaySeconds);

        Path out = Files.createTempDirectory("pulse-bench-backtest");
        long t1 = System.nanoTime();
        Backtest.Result r = Backtest.run(new Backtest.Options(history, rules, null, window, out, parallelism, null,
                false));
        double backtestSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("backtest of the window, p=%d: %.1f s (Flink job %.1f s, scoring and report %.1f s),"
                        + " %,d events%n", parallelism, backtestSeconds, r.jobSeconds(),
                backtestSeconds - r.jobSeconds(), r.eventsRead());
        System.out.printf("backtest / replay: %.2fx%n", backtestSeconds / replaySeconds);
        System.out.println("output: " + out);
    }
}
