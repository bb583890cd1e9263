package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.history.HistoryDatabase;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run a history database through the Flink job into the action queue (in-process Flink).")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--history", required = true, paramLabel = "FILE|JDBC_URL", description = HISTORY)
    String history;

    /** What every command's --history takes. */
    static final String HISTORY = "The history: a SQLite file (see `pulse generate`) or the JDBC URL of a database with"
            + " the same tables, e.g. jdbc:postgresql://HOST/DB?user=NAME&password=SECRET.";

    @Option(names = "--rules", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--sink", required = true,
            description = "JDBC URL of the action queue, e.g. jdbc:sqlite:data/actions.sqlite.")
    String sink;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--cadence", defaultValue = "P1D",
            description = "Evaluation period, ISO-8601 (default: ${DEFAULT-VALUE}): a customer is re-scored at the "
                    + "end of each period in which its features changed.")
    Duration cadence;

    @Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() throws Exception {
        return run(history, rules, sink, parallelism, cadence, job);
    }

    static int run(String history, Path rulesDir, String sink, int parallelism, Duration cadence, JobOptions options)
            throws Exception {
        Configuration conf = options.startConfiguration(history);
        RulesCommand.checkPack("--rules", rulesDir);
        SinkDatabase db = Reachability.database("--sink", sink, true);
        if (parallelism < 1) {
            throw CliFailure.usage("--parallelism must be at least 1, got " + parallelism);
        }
        Cadence every = cadence("--cadence", cadence);
        RuleSet rules = RuleSet.load(rulesDir);
        if (RulesCommand.compileForHistory(rulesDir, rules, HistoryDatabase.of(history).url()) == null) { // fail fast, before Flink starts
            return 1;
        }
        db.createSchema();
        HistoryDatabase historyDb = HistoryDatabase.of(history);
        PulseJob job = new PulseJob(PulseJob.history(historyDb.url()), PulseJob.jdbc(db), rules,
                options.applyTo(PulseJob.Settings.defaults().withParallelism(parallelism).withCadence(every)));
        System.out.printf("Replaying %s with rules %s (version %s) at parallelism %d into %s%n",
                historyDb.describe(), rulesDir, rules.version(), parallelism, Reachability.masked(sink));
        JobExecutionResult result = job.execute(StreamExecutionEnvironment.getExecutionEnvironment(conf), "Pulse replay");
        ReplayStats stats = ReplayStats.of(result, System.currentTimeMillis());
        System.out.printf("Replayed %,d events in %.1f s: %,.0f events/s from the first event to the end"
                        + " (%.1f s with job start-up); %,d customer evaluations%n",
                stats.events(), stats.processingSeconds(), stats.eventsPerSecond(), stats.totalSeconds(),
                stats.evaluations());
        return 0;
    }

    /** The cadence of a --cadence-like option; a usage failure naming it when Flink could not work with it. */
    static Cadence cadence(String option, Duration period) {
        try {
            return Cadence.every(period);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(option + ": " + e.getMessage());
        }
    }
}
