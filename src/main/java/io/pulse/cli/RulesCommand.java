package io.pulse.cli;

import io.pulse.rules.RuleCompilationException;
import io.pulse.rules.RuleEngine;
import io.pulse.rules.RuleSet;
import io.pulse.rules.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with the DRL rule pack.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Test.class})
final class RulesCommand {

    /** Compiles the pack; on problems prints each as {@code dir/file:line: message} and returns null. */
    static RuleEngine compileOrReport(Path dir, RuleSet rules) {
        try {
            return RuleEngine.compile(rules, RulesCommand.class.getClassLoader());
        } catch (RuleCompilationException e) {
            e.problems().forEach(p -> System.err.println(dir + "/" + p));
            return null;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Compile the rule pack; print every problem as file:line: message. Exit 1 on problems.")
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "0..1", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            RuleSet rules = RuleSet.load(dir);
            if (compileOrReport(dir, rules) == null) {
                return 1;
            }
            System.out.printf("%s: %d files, version %s: OK%n", dir, rules.files().size(), rules.version());
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Run the business scenarios in DIR/scenarios against the pack. Exit 1 if any fails.")
    static final class Test implements Callable<Integer> {
        @Parameters(arity = "0..1", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
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
