package io.pulse.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real `pulse` command line in a separate JVM, as the launcher does: the compiled classes,
 * the Maven runtime classpath ({@code target/pulse.classpath}) and Flink's JVM options.
 */
public record PulseProcess(int exitCode, String stdout, String stderr) {

    public static PulseProcess run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pulse-out", ".txt");
        Path err = Files.createTempFile("pulse-err", ".txt");
        try {
            Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("pulse " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new PulseProcess(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts a command that runs until stopped ({@code pulse live}); its output goes to files in {@code dir}. */
    public static Running start(Path dir, String name, String... args) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Running(p, out, err);
    }

    private static List<String> command(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@flink-job/jvm.options",
                "-cp", "target/classes:" + Files.readString(Path.of("target/pulse.classpath")).trim(),
                "io.pulse.cli.PulseCli"));
        command.addAll(List.of(args));
        return command;
    }

    /** A `pulse` process still running. */
    public record Running(Process process, Path stdout, Path stderr) {
        public String output() throws IOException {
            return Files.readString(stdout, StandardCharsets.UTF_8) + Files.readString(stderr, StandardCharsets.UTF_8);
        }

        /** Stops it as Ctrl-C or a service manager does (SIGTERM: the JVM's shutdown hooks run); waits for the end. */
        public void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("pulse did not stop within 60 s of SIGTERM");
            }
        }
    }
}
