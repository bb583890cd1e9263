package io.pulse.cli;

import io.pulse.generate.GenerationReport;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a realistic look-alike history (Intercom, Salesforce, customer-360 tables, usage, "
                + "plan changes, outcomes) to a new SQLite file, or to the same tables in PostgreSQL. Same arguments,"
                + " the same rows (and a byte-identical SQLite file).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--companies", defaultValue = "2000", description = "Companies (default: ${DEFAULT-VALUE}).")
    int companies;

    @Option(names = "--days", defaultValue = "365", description = "Days of history (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", defaultValue = "2025-01-01", description = "First day (default: ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(names = "--out", required = true, paramLabel = "FILE|JDBC_URL",
            description = {"SQLite file to write (replaced if it exists), or a PostgreSQL database,"
                    + " jdbc:postgresql://HOST/DB?user=NAME&password=SECRET, whose history tables are dropped and"
                    + " written anew (its other tables are left alone)."})
    String out;

    @Override
    public Integer call() throws Exception {
        checkSize(companies, days);
        HistoryDatabase target = target("--out", out);
        long t0 = System.nanoTime();
        GenerationReport report = generate(new GeneratorSettings(companies, days, seed, start, target));
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Map.Entry<String, Long> e : report.rowsPerTable().entrySet()) {
            System.out.printf("  %-42s %,12d rows%n", e.getKey(), e.getValue());
        }
        System.out.printf("Wrote %s: %,d events in %.1f s%n", target.describe(), report.totalEvents(), seconds);
        return 0;
    }

    /** Where new history goes: a SQLite file that can be written, or a PostgreSQL database that answers. */
    static HistoryDatabase target(String option, String pathOrUrl) {
        HistoryDatabase target = HistoryDatabase.of(pathOrUrl);
        if (target.sqlite()) {
            Args.fileToWrite(option, target.sqliteFile());
        } else {
            Reachability.database(option, target.url(), true); // PostgreSQL, or a usage failure for other URLs
        }
        return target;
    }

    /** The size options of new history: at least one company and one day. */
    static void checkSize(int companies, int days) {
        if (companies < 1 || companies > GeneratorSettings.MAX_COMPANIES) {
            throw CliFailure.usage("--companies must be 1.." + GeneratorSettings.MAX_COMPANIES + ", got " + companies);
        }
        if (days < 1 || days > GeneratorSettings.MAX_DAYS) {
            throw CliFailure.usage("--days must be 1.." + GeneratorSettings.MAX_DAYS + ", got " + days);
        }
    }

    static GenerationReport generate(GeneratorSettings settings) throws Exception {
        return new HistoryGenerator(settings).generate();
    }
}
