package io.pulse.cli;

import io.pulse.rules.RuleCompilationException;
import io.pulse.rules.RuleEngine;
import io.pulse.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with the DRL rule pack.",
        subcommands = {RulesCommand.Validate.class})
final class RulesCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Compile the rule pack; print every problem as file:line: message. Exit 1 on problems.")
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "0..1", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            RuleSet rules = RuleSet.load(dir);
            try {
                RuleEngine.compile(rules, getClass().getClassLoader());
            } catch (RuleCompilationException e) {
                e.problems().forEach(p -> System.err.println(dir + "/" + p));
                return 1;
            }
            System.out.printf("%s: %d files, version %s: OK%n", dir, rules.files().size(), rules.version());
            return 0;
        }
    }
}
