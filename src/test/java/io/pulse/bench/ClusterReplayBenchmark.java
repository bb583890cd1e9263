package io.pulse.bench;

import io.pulse.cluster.StandaloneFlinkCluster;
import io.pulse.testing.EmbeddedPostgresServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replay throughput of the job jar on a standalone Flink cluster (JobManager and one TaskManager of
 * two slots as separate JVMs, as in PulseClusterIT) into PostgreSQL, at each parallelism given. Not
 * a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java ... io.pulse.bench.ClusterReplayBenchmark HISTORY.sqlite 1 2 [1 2 ...]</pre>
 */
public final class ClusterReplayBenchmark {
    private static final Pattern SUMMARY = Pattern.compile(
            "Replayed ([\\d,]+) events in ([\\d.]+) s: ([\\d,]+) events/s from the first event to the end \\(([\\d.]+) s");

    public static void main(String[] args) throws Exception {
        Path history = Path.of(args[0]).toAbsolutePath();
        Path dir = Files.createTempDirectory("pulse-cluster-bench");
        List<String> lines = new ArrayList<>();
        Path jar = Path.of(System.getProperty("pulse.jobJar", "target/pulse-job.jar"));
        Path classpath = Path.of(System.getProperty("pulse.classpath", "target/test.classpath"));
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir, classpath,
                1, 2, Map.of("taskmanager.memory.process.size", "2g"))) {
            for (int i = 1; i < args.length; i++) {
                String parallelism = args[i];
                String sink = EmbeddedPostgresServer.freshDatabaseUrl();
                StandaloneFlinkCluster.Submission run = cluster.submit(List.of(), jar,
                        "replay", "--history", history.toString(), "--rules", Path.of(System.getProperty("pulse.rules", "rules")).toAbsolutePath().toString(),
                        "--sink", sink, "--parallelism", parallelism);
                int exit = run.await(Duration.ofHours(1));
                Matcher m = SUMMARY.matcher(run.output());
                if (exit != 0 || !m.find()) {
                    throw new IllegalStateException("replay at p=" + parallelism + " failed (" + exit + "):\n"
                            + run.output() + cluster.logTails());
                }
                String line = String.format("p=%s: %s events in %s s = %s events/s (first event to end); %s s with"
                        + " start-up", parallelism, m.group(1), m.group(2), m.group(3), m.group(4));
                System.out.println(line);
                lines.add(line);
            }
        }
        System.out.println(String.join("\n", lines));
    }
}
