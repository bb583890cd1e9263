package io.pulse.cli;

import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.check.TotalityLint;
import io.pulse.rules.pack.RuleSet;
import io.pulse.history.HistorySource;
import io.pulse.rules.check.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with the DRL rule pack.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Test.class})
final class RulesCommand {

    /** That {@code dir}, given by {@code option}, is a readable directory of rule files (a usage failure if not). */
    static Path checkPack(String option, Path dir) {
        Args.existingDirectory(option, dir, "rule pack directory");
        try (var files = Files.list(dir)) {
            if (files.noneMatch(f -> Files.isRegularFile(f) && RuleSet.isRuleFile(f.getFileName().toString()))) {
                throw CliFailure.usage(option + ": no *.drl or parameters.json in " + dir + " (is it a rule pack?)");
            }
        } catch (java.io.IOException e) {
            throw CliFailure.usage(option + ": cannot read " + dir + ": " + CliErrors.describe(e));
        }
        return dir;
    }

    /** Compiles the pack; on problems prints each as {@code dir/file:line: message} and returns null. */
    static RuleEngine compileOrReport(Path dir, RuleSet rules) {
        try {
            return RuleEngine.compile(rules, RulesCommand.class.getClassLoader());
        } catch (RuleCompilationException e) {
            e.problems().forEach(p -> System.err.println(dir + "/" + p));
            return null;
        }
    }

    /**
     * {@link #compileOrReport}, then that the history can give every table the pack declares (its
     * columns too): each one it cannot printed as {@code dir/features.yaml:line: why}; null then.
     */
    static RuleEngine compileForHistory(Path dir, RuleSet rules, String historyUrl) throws Exception {
        RuleEngine engine = compileOrReport(dir, rules);
        if (engine == null) {
            return null;
        }
        List<String> unreadable = HistorySource.unreadableTables(historyUrl, rules.declaredTables(), RuleSet.FEATURES_FILE);
        unreadable.forEach(p -> System.err.println(dir + "/" + p));
        return unreadable.isEmpty() ? engine : null;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Compile the rule pack inside the sandbox, then lint it on generated customers: gaps, "
                    + "overlaps, failing and unreachable rules.",
                    "Prints every problem as file:line: message. Exit 1 on problems."})
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "DIR", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--history", paramLabel = "FILE|JDBC_URL",
                description = "Also check that this history has every table and column features.yaml declares.")
        String history;

        @Override
        public Integer call() throws Exception {
            checkPack("DIR", dir);
            RuleSet rules = RuleSet.load(dir);
            RuleEngine engine = history == null ? compileOrReport(dir, rules)
                    : compileForHistory(dir, rules, Reachability.history("--history", history).url());
            if (engine == null) {
                return 1;
            }
            Path scenarios = dir.resolve("scenarios");
            if (!Files.isDirectory(scenarios) || ScenarioRunner.files(scenarios).isEmpty()) {
                System.err.println(scenarios + ": no scenario files: the lint starts from the customers they describe");
                return 1;
            }
            long start = System.nanoTime();
            TotalityLint.Report lint = TotalityLint.run(engine, scenarios);
            long ms = (System.nanoTime() - start) / 1_000_000;
            lint.problems().forEach(p -> System.err.println(dir + "/" + p));
            System.out.printf("%s: %d files, version %s: compiled in the sandbox; lint: %d customers from %d scenarios "
                    + "in %d ms: %s%n", dir, rules.files().size(), rules.version(), lint.customers(), lint.scenarios(), ms,
                    lint.problems().isEmpty() ? "OK"
                    : lint.problems().size() + (lint.problems().size() == 1 ? " problem" : " problems"));
            return lint.problems().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Run the business scenarios in DIR/scenarios against the pack. Exit 1 if any fails.")
    static final class Test implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "DIR", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            checkPack("DIR", dir);
            RuleEngine engine = compileOrReport(dir, RuleSet.load(dir));
            if (engine == null) {
                return 1;
            }
            List<ScenarioRunner.Result> results = ScenarioRunner.runAll(engine, dir.resolve("scenarios"));
            results.forEach(System.out::println);
            long failed = results.stream().filter(r -> !r.passed()).count();
            System.out.printf("%d passed, %d failed%n", results.size() - failed, failed);
            return failed == 0 ? 0 : 1;
        }
    }
}
