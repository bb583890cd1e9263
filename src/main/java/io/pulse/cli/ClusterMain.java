package io.pulse.cli;

import picocli.CommandLine;

/**
 * The job jar's entry point on a Flink cluster ({@code flink run target/pulse-job.jar replay ...}, or
 * application mode's {@code --job-classname}): the `pulse` command line, without the
 * {@code System.exit} of {@link PulseCli#main}, which in application mode would take the
 * JobManager's JVM down with it. A command that fails throws, so the submission fails.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) {
        int status = new CommandLine(new PulseCli()).execute(args);
        if (status != 0) {
            throw new IllegalStateException("pulse " + String.join(" ", args) + " ended with status " + status);
        }
    }
}
