package io.pulse.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real standalone Flink session cluster as separate JVM processes, as Flink's own scripts start
 * it: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}) on the jars of a Flink distribution ({@link FlinkDistribution}), a
 * {@code config.yaml}, memory flags from {@code BashJavaUtils} and Flink's JVM options; jobs are
 * submitted with the CLI ({@code CliFrontend run}). Ports are picked free; everything lives in one
 * directory. {@link #close()} (and a shutdown hook, should the test JVM die) stops every process.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private static final Path JVM_OPTIONS = Path.of("flink-job/jvm.options").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Path conf;
    private final String classpath;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private final List<Process> clients = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll);

    private StandaloneFlinkCluster(Path dir, String classpath, int restPort, Map<String, String> settings)
            throws IOException, InterruptedException {
        this.dir = dir;
        this.conf = Files.createDirectories(dir.resolve("conf"));
        this.classpath = classpath;
        this.restPort = restPort;
        StringBuilder yaml = new StringBuilder();
        settings.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File", "appender.file.name = file", "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n", ""));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.jobManager = start("jobmanager", "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each (1.25 GB
     * per TaskManager process, 1 GB for the JobManager) and waits until all have registered.
     *
     * @param extra more config.yaml settings (state backend, ...)
     */
    public static StandaloneFlinkCluster start(Path dir, Path classpathFile, int taskManagers, int slots,
                                               Map<String, String> extra) throws Exception {
        String classpath = FlinkDistribution.lib(classpathFile).stream().map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator));
        int rpcPort = freePort();
        int restPort = freePort();
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("jobmanager.rpc.address", "localhost");
        settings.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        settings.put("jobmanager.bind-host", "localhost");
        settings.put("rest.address", "localhost");
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("rest.bind-address", "localhost");
        settings.put("taskmanager.bind-host", "localhost");
        settings.put("taskmanager.host", "localhost");
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        settings.put("parallelism.default", String.valueOf(slots));
        settings.put("jobmanager.memory.process.size", "1g");
        settings.put("taskmanager.memory.process.size", "1280m");
        // the heap state backend needs little managed memory (RocksDB runs on it)
        settings.put("taskmanager.memory.managed.fraction", "0.2");
        // a killed TaskManager is noticed in seconds, not the default 50
        settings.put("heartbeat.interval", "2 s");
        settings.put("heartbeat.timeout", "10 s");
        settings.put("io.tmp.dirs", Files.createDirectories(dir.resolve("tmp")).toString());
        settings.putAll(extra);
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, classpath, restPort, settings);
        try {
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** Starts one more TaskManager (it registers by itself). */
    public void startTaskManager() throws IOException, InterruptedException {
        taskManagers.add(start("taskmanager-" + taskManagers.size(), "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
    }

    /** Kills a running TaskManager's process at once (SIGKILL), as a lost machine. */
    public void killTaskManager(int index) throws InterruptedException {
        Process p = taskManagers.get(index);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            JsonNode overview = get("/overview");
            if (overview != null && overview.path("taskmanagers").asInt() == count) {
                return;
            }
            if (!jobManager.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the cluster did not come up with " + count + " TaskManagers: "
                        + overview + "\n" + logTails());
            }
            Thread.sleep(500);
        }
    }

    /** A REST resource of the JobManager as JSON, null when it does not answer (yet). */
    public JsonNode get(String path) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Cancels a job through the REST API and waits until it is CANCELED (a live job runs until cancelled). */
    public void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new AssertionError("cancelling job " + jobId + ": HTTP " + r.statusCode() + " " + r.body());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode job = get("/jobs/" + jobId);
            if (job != null && job.path("state").asText().equals("CANCELED")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " not cancelled in 60 s: " + job + "\n" + logTails());
            }
            Thread.sleep(200);
        }
    }

    /** A job submitted with {@code flink run} (the CLI process, attached: it ends with the job). */
    public record Submission(Process process, Path stdout, Path stderr) {
        public String output() throws IOException {
            return Files.readString(stdout, StandardCharsets.UTF_8) + Files.readString(stderr, StandardCharsets.UTF_8);
        }

        /** Waits for the CLI to end; its exit code (the job's main returns 0 when the job finished). */
        public int await(Duration limit) throws InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("flink run did not end in " + limit);
            }
            return process.exitValue();
        }

        /** The job id the CLI printed, once it has submitted the job; null before. */
        public String jobId() throws IOException {
            for (String line : output().split("\n")) {
                if (line.startsWith("Job has been submitted with JobID ")) {
                    return line.substring("Job has been submitted with JobID ".length()).trim();
                }
            }
            return null;
        }
    }

    /** {@code flink run [flinkOptions] jar programArgs}, with this cluster's configuration. */
    public Submission submit(List<String> flinkOptions, Path jar, String... programArgs) throws IOException {
        String name = "client-" + clients.size();
        List<String> command = java(name, "org.apache.flink.client.cli.CliFrontend");
        command.add("run");
        command.addAll(flinkOptions);
        command.add(jar.toAbsolutePath().toString());
        command.addAll(Arrays.asList(programArgs));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        Process p = pb.start();
        clients.add(p);
        return new Submission(p, out, err);
    }

    /** The last lines of every process's log, for assertion messages. */
    public String logTails() {
        StringBuilder s = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().matches(".*\\.(log|out|err)$")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                s.append("\n==> ").append(f.getFileName()).append(" <==\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append("(cannot read the logs: ").append(e).append(')');
        }
        return s.toString();
    }

    private Process start(String name, String resourceParams, String mainClass) throws IOException, InterruptedException {
        List<String> flags = resourceParams(resourceParams);
        List<String> command = java(name, mainClass);
        int main = command.indexOf(mainClass);
        command.addAll(main, Arrays.asList(flags.get(0).trim().split("\\s+")));
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(Arrays.asList(flags.get(1).trim().split("\\s+")));
        return new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    /** The JVM flags and dynamic properties Flink's scripts compute for a process's memory. */
    private List<String> resourceParams(String which) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(javaBin(), "-cp", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", which, "--configDir", conf.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = out.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils " + which + " failed:\n" + out);
        }
        return results;
    }

    private List<String> java(String name, String mainClass) {
        return new ArrayList<>(List.of(javaBin(), "@" + JVM_OPTIONS,
                "-Dlog.file=" + dir.resolve(name + ".log").toAbsolutePath(),
                "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toAbsolutePath(),
                "-cp", classpath, mainClass));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopAll() {
        List<Process> all = new ArrayList<>(clients);
        all.addAll(taskManagers);
        if (jobManager != null) {
            all.add(jobManager);
        }
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down: the hook runs stopAll() again, harmlessly
        }
    }
}
