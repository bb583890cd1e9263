package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.events.EventValidator;
import io.pulse.history.HistoryQueries;
import io.pulse.jdbc.SqlDialect;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Replay throughput against the rate at which plain JDBC merely reads (and maps) the same event
 * rows. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.ReplayBenchmark HISTORY.sqlite [parallelism] [rules-dir]</pre>
 */
public final class ReplayBenchmark {

    public static void main(String[] args) throws Exception {
        Path history = Path.of(args[0]);
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path rulesDir = Path.of(args.length > 2 ? args[2] : "rules");
        String historyUrl = "jdbc:sqlite:" + history;

        long t0 = System.nanoTime();
        long read = 0;
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(SqlDialect.SQLITE)) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    while (rs.next()) {
                        q.extractor().extract(rs);
                        read++;
                    }
                }
            }
        }
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("plain JDBC read + map: %,d events in %.2f s = %,.0f events/s%n",
                read, readSeconds, read / readSeconds);

        Path sinkFile = Files.createTempFile("pulse-bench-actions", ".sqlite");
        Files.delete(sinkFile);
        SinkDatabase db = SinkDatabase.of("jdbc:sqlite:" + sinkFile);
        db.createSchema();
        PulseJob job = new PulseJob(PulseJob.history(historyUrl), PulseJob.jdbc(db), RuleSet.load(rulesDir),
                PulseJob.Settings.defaults().withParallelism(parallelism));
        JobExecutionResult result = job.execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse benchmark");
        long end = System.currentTimeMillis();
        long events = result.<Long>getAccumulatorResult(EventValidator.EVENTS_IN);
        long first = result.<Long>getAccumulatorResult(EventValidator.FIRST_EVENT_AT);
        double seconds = (end - first) / 1000.0;
        System.out.printf("replay p=%d: %,d events in %.2f s (first event to end) = %,.0f events/s;"
                        + " %.2f s with start-up%n",
                parallelism, events, seconds, events / seconds, result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0);
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(status = 'OPEN') FROM recommended_actions")) {
            rs.next();
            System.out.printf("action rows: %,d (%,d open)%n", rs.getLong(1), rs.getLong(2));
        }
    }
}
