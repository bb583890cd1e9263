package io.pulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `pulse`: the command line of Pulse. Each subcommand has its own --help. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "pulse 0.1.0",
        description = "Customer-risk scoring: replay customer events through Flink and Drools into a CS action queue.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, LiveCommand.class, BacktestCommand.class,
                RulesCommand.class, QueueCommand.class, ServeCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class})
public final class PulseCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new PulseCli()).execute(args));
    }
}
