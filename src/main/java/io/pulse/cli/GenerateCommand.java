package io.pulse.cli;

import io.pulse.generate.GenerationReport;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a realistic look-alike history (Intercom, Salesforce, customer-360 tables, usage, "
                + "plan changes, outcomes) to a new SQLite file. Same arguments, byte-identical file.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--companies", defaultValue = "2000", description = "Companies (default: ${DEFAULT-VALUE}).")
    int companies;

    @Option(names = "--days", defaultValue = "365", description = "Days of history (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", defaultValue = "2025-01-01", description = "First day (default: ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(names = "--out", required = true, description = "SQLite file to write (replaced if it exists).")
    Path out;

    @Override
    public Integer call() throws Exception {
        checkSize(companies, days);
        Args.fileToWrite("--out", out);
        long t0 = System.nanoTime();
        GenerationReport report = generate(new GeneratorSettings(companies, days, seed, start, out));
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Map.Entry<String, Long> e : report.rowsPerTable().entrySet()) {
            System.out.printf("  %-42s %,12d rows%n", e.getKey(), e.getValue());
        }
        System.out.printf("Wrote %s: %,d events in %.1f s%n", out, report.totalEvents(), seconds);
        return 0;
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
