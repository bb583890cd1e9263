package io.pulse.cli;

/**
 * An expected failure of a command: what is wrong with which argument, and what to do, in one line
 * ({@code --rules: no rule pack directory at /nope (...)}), with the exit code it ends the command
 * with. {@link CliErrors} prints it as {@code pulse <command>: <message>}; its stack trace only goes
 * to the log file, or to the terminal under {@code --verbose}.
 */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    private CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input (exit {@value PulseCli#BAD_INPUT}): what the arguments name is wrong or missing. */
    static CliFailure badInput(String message) {
        return new CliFailure(PulseCli.BAD_INPUT, message, null);
    }

    /** Bad usage (exit {@value PulseCli#USAGE}): an argument is wrong. */
    static CliFailure usage(String message) {
        return new CliFailure(PulseCli.USAGE, message, null);
    }

    static CliFailure usage(String message, Throwable cause) {
        return new CliFailure(PulseCli.USAGE, message, cause);
    }

    /** Unavailable (exit {@value PulseCli#UNAVAILABLE}): a database or broker does not answer, a port is taken. */
    static CliFailure unavailable(String message, Throwable cause) {
        return new CliFailure(PulseCli.UNAVAILABLE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
