package io.pulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;

/**
 * `pulse`: the command line of Pulse. Each subcommand has its own --help. A failure is one line on
 * stderr, {@code pulse <command>: <what is wrong with which argument, and what to do>}, and one of
 * the exit codes below ({@link CliErrors}).
 */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "pulse 0.1.0",
        description = "Customer-risk scoring: replay customer events through Flink and Drools into a CS action queue.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:bad input: what the arguments name is wrong (a rule pack with problems, an unknown action id,"
                        + " a transition the action's status does not allow, a queue database that does not exist),"
                        + " or the command failed",
                "2:usage: an unknown or missing option, an unreadable value (number, duration, date, URL), a file or"
                        + " directory that is missing or of the wrong kind",
                "3:queue next: nothing is OPEN",
                "4:unavailable: a database or Kafka broker does not answer or lets nobody in, a port is in use"},
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, LiveCommand.class, BacktestCommand.class,
                RulesCommand.class, QueueCommand.class, ServeCommand.class, ReportCommand.class, DeadLettersCommand.class,
                CommandLine.HelpCommand.class})
public final class PulseCli {
    static final int OK = 0;
    static final int BAD_INPUT = 1;
    static final int USAGE = 2;
    static final int QUEUE_EMPTY = 3;
    static final int UNAVAILABLE = 4;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace too (it is always in the log file).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it, writing to System.out and System.err. */
    static CommandLine commandLine() {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CliErrors errors = new CliErrors();
        CommandLine cli = new CommandLine(new PulseCli())
                .registerConverter(Duration.class, new Args.DurationConverter())
                .registerConverter(LocalDate.class, new Args.DateConverter())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setOut(out)
                .setErr(err);
        return cli;
    }
}
