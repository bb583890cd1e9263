package io.pulse.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;

/**
 * The one place where a failed command line becomes one line on stderr,
 * {@code pulse <command>: <what is wrong with which argument, and what to do>}, and an exit code
 * (see {@link PulseCli}). The stack trace goes to the log file ({@value #LOGGER}, at INFO: never to
 * the terminal), and to stderr as well under {@code --verbose}.
 */
final class CliErrors implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    /** The logger failures go to: the log file only (log4j2.properties). */
    static final String LOGGER = "io.pulse.cli.Failures";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String name = cli.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ").append(oneLine(e.getMessage()));
        if (e instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
            }
        }
        line.append("; see '").append(name).append(" --help'");
        report(cli.getErr(), line.toString(), e, contains(args, "--verbose"));
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        String name = cli.getCommandSpec().qualifiedName();
        boolean verbose = verbose(parsed);
        if (e instanceof CliFailure f) {
            report(cli.getErr(), name + ": " + oneLine(f.getMessage()), f, verbose);
            return f.exitCode();
        }
        report(cli.getErr(), name + ": " + describe(e) + (verbose ? "" : " (the stack trace is in "
                + logFile() + "; --verbose prints it)"), e, verbose);
        return PulseCli.BAD_INPUT;
    }

    private static void report(PrintWriter err, String line, Throwable e, boolean verbose) {
        LOG.info(line, e);
        System.out.flush();
        err.println(line);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** The innermost cause in words: file-system exceptions say which file and what about it. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what;
        if (root instanceof NoSuchFileException f) {
            what = "no such file or directory: " + f.getFile();
        } else if (root instanceof AccessDeniedException f) {
            what = "permission denied: " + f.getFile();
        } else if (root instanceof NotDirectoryException f) {
            what = "not a directory: " + f.getFile();
        } else if (root instanceof FileAlreadyExistsException f) {
            what = "already exists and is in the way: " + f.getFile();
        } else if (root instanceof FileSystemException f) {
            what = f.getFile() + ": " + f.getReason();
        } else if (root.getMessage() != null && !root.getMessage().isBlank()) {
            what = root.getMessage();
        } else {
            what = root.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                    .toLowerCase();
        }
        return oneLine(what);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Whether --verbose was given to the command or any command above it. */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String[] args, String option) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals(option)) {
                return true;
            }
        }
        return false;
    }

    static String logFile() {
        return System.getProperty("pulse.log.file", System.getProperty("java.io.tmpdir") + "/pulse.log");
    }
}
