package io.pulse.cluster;

import io.pulse.cli.PulseCli;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of the Docker deployment without a Docker engine: the compose file parses and
 * has the services and the application-mode command the README describes, that command is a valid
 * `pulse` command line, and the Dockerfile builds on the pom's Flink version and copies the job jar
 * the build makes (with its entry point, without Flink's runtime, with Drools' merged services).
 */
class DockerDeploymentIT {
    private static final Path DOCKER = Path.of("docker");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) compose.get("services"))
                .get(name));
        Object merged = s.remove("<<"); // YAML merge keys: the compose file shares the Flink image settings
        if (merged instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach(s::putIfAbsent);
        }
        return s;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileRunsTheJobJarInApplicationModeWithPostgresAndKafka() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DOCKER.resolve("compose.yaml")));
        assertThat((Map<String, Object>) compose.get("services"))
                .containsOnlyKeys("jobmanager", "taskmanager", "postgres", "kafka");

        Map<String, Object> jobManager = service(compose, "jobmanager");
        Map<String, Object> taskManager = service(compose, "taskmanager");
        for (Map<String, Object> flink : List.of(jobManager, taskManager)) {
            assertThat((Map<String, Object>) flink.get("build")).containsEntry("dockerfile", "docker/Dockerfile")
                    .containsEntry("context", "..");
            String properties = (String) ((Map<String, Object>) flink.get("environment")).get("FLINK_PROPERTIES");
            assertThat(properties).contains("jobmanager.rpc.address: jobmanager", "state.backend.type: rocksdb",
                    "execution.checkpointing.dir: file:///checkpoints", "taskmanager.memory.jvm-metaspace.size:");
        }
        assertThat(taskManager.get("command")).isEqualTo("taskmanager");
        // A live job's JVM flags, as pulse live starts its JVM with them: the same on the TaskManagers.
        String liveJvmFlags = String.join(" ", Files.readAllLines(Path.of("flink-job/live-jvm.options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        assertThat((String) ((Map<String, Object>) taskManager.get("environment")).get("FLINK_PROPERTIES"))
                .contains("env.java.opts.taskmanager: " + liveJvmFlags + "\n");

        List<String> command = Arrays.asList(((String) jobManager.get("command")).trim().split("\\s+"));
        assertThat(command.subList(0, 3)).containsExactly("standalone-job", "--job-classname",
                "io.pulse.cli.ClusterMain");
        String[] pulseArgs = command.subList(3, command.size()).toArray(String[]::new);
        CommandLine.ParseResult parsed = new CommandLine(new PulseCli()).parseArgs(pulseArgs);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("live");
        assertThat(parsed.subcommand().matchedOptionValue("--sink", "")).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(parsed.subcommand().matchedOptionValue("--rules", Path.of("")).toString())
                .isEqualTo("/opt/pulse/rules");
        assertThat(service(compose, "postgres").get("image").toString()).startsWith("postgres:");
        assertThat(service(compose, "kafka").get("image").toString()).startsWith("apache/kafka:");
    }

    @Test
    void theDockerfileCopiesTheJobJarTheBuildMakesIntoTheFlinkImageOfThePomsVersion() throws Exception {
        List<String> dockerfile = Files.readAllLines(DOCKER.resolve("Dockerfile")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(dockerfile.get(0)).isEqualTo("FROM flink:" + System.getProperty("flink.version") + "-java17");
        assertThat(dockerfile).contains(
                "COPY --chown=flink:flink target/pulse-job.jar /opt/flink/usrlib/pulse-job.jar",
                "COPY --chown=flink:flink rules /opt/pulse/rules");

        Path jar = Path.of(System.getProperty("pulse.jobJar", "target/pulse-job.jar"));
        assertThat(jar).as("built by `./mvnw package`").isRegularFile();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.pulse.cli.ClusterMain");
            assertThat(j.getEntry("io/pulse/job/PulseJob.class")).isNotNull();
            assertThat(j.getEntry("org/postgresql/Driver.class")).isNotNull();
            assertThat(j.getEntry("org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class")).isNotNull();
            // Flink's own runtime comes from the cluster, never from the job jar
            assertThat(j.getEntry("org/apache/flink/runtime/taskexecutor/TaskExecutor.class")).isNull();
            assertThat(j.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                    .isNull();
            assertThat(j.getEntry("org/apache/logging/log4j/core/Logger.class")).isNull();
            assertThat(j.stream().filter(e -> e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))).isEmpty();
            // Drools finds its parts through service files that several of its jars carry: merged, not one kept
            String componentSuppliers = new String(j.getInputStream(
                    j.getEntry("META-INF/services/org.drools.wiring.api.ComponentsSupplier")).readAllBytes());
            assertThat(componentSuppliers).contains("org.drools.wiring.dynamic", "org.drools.wiring.statics");
        }
    }
}
