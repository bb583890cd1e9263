package io.pulse.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a Flink distribution's {@code lib/} holds, taken from Maven-resolved jars (there is no
 * flink-dist on Maven Central): Flink's runtime, client, web UI, RocksDB state backend and the
 * connectors flink-dist bundles, their libraries, and log4j. The job jar leaves the same artifacts
 * out (the shade plugin's excludes in pom.xml), except the bundled connectors, which it carries too
 * (Flink loads {@code org.apache.flink} classes parent-first, so the copies never clash).
 */
public final class FlinkDistribution {
    /** groupId:artifactId globs, as in the shade plugin's artifact excludes. */
    static final List<String> LIB = List.of(
            "org.apache.flink:flink-core", "org.apache.flink:flink-core-api", "org.apache.flink:flink-annotations",
            "org.apache.flink:flink-metrics-core", "org.apache.flink:flink-shaded-*",
            "org.apache.flink:flink-file-sink-common", "org.apache.flink:flink-runtime",
            "org.apache.flink:flink-runtime-web", "org.apache.flink:flink-streaming-java",
            "org.apache.flink:flink-datastream", "org.apache.flink:flink-datastream-api",
            "org.apache.flink:flink-clients", "org.apache.flink:flink-rpc-*",
            "org.apache.flink:flink-queryable-state-client-java", "org.apache.flink:flink-hadoop-fs",
            "org.apache.flink:flink-statebackend-rocksdb", "org.apache.flink:flink-statebackend-common",
            "com.ververica:frocksdbjni",
            "org.apache.flink:flink-connector-base", "org.apache.flink:flink-connector-files",
            "org.apache.flink:flink-connector-datagen",
            "org.snakeyaml:snakeyaml-engine", "com.esotericsoftware:*", "org.objenesis:objenesis",
            "commons-collections:commons-collections", "commons-cli:commons-cli", "commons-io:commons-io",
            "org.apache.commons:commons-lang3", "org.apache.commons:commons-math3", "org.apache.commons:commons-text",
            "org.apache.commons:commons-compress", "org.javassist:javassist", "org.xerial.snappy:snappy-java",
            "at.yawk.lz4:lz4-java", "tools.profiler:async-profiler", "com.google.code.findbugs:jsr305",
            "org.slf4j:slf4j-api", "org.apache.logging.log4j:log4j-api", "org.apache.logging.log4j:log4j-core",
            "org.apache.logging.log4j:log4j-slf4j-impl");

    private FlinkDistribution() {}

    /**
     * The distribution's jars out of the project's resolved test classpath
     * ({@code target/test.classpath}, written by the build before the cluster tests run).
     */
    public static List<Path> lib(Path classpathFile) {
        String classpath;
        try {
            classpath = Files.readString(classpathFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no resolved classpath at " + classpathFile
                    + ": the cluster tests run in `./mvnw verify`, after `package`", e);
        }
        List<Pattern> patterns = LIB.stream().map(FlinkDistribution::repositoryPath).toList();
        List<Path> jars = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            String path = entry.replace('\\', '/');
            if (!path.endsWith("-tests.jar") && patterns.stream().anyMatch(p -> p.matcher(path).find())) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }

    /** groupId:artifactId glob -> the jar's path in a Maven repository: .../group/dirs/artifact/version/file.jar */
    private static Pattern repositoryPath(String coordinates) {
        String[] ga = coordinates.split(":");
        String group = Pattern.quote("/" + ga[0].replace('.', '/') + "/");
        String artifact = ga[1].equals("*") ? "[^/]+" : Pattern.quote(ga[1]).replace("*", "\\E[^/]*\\Q");
        return Pattern.compile(group + artifact + "/[^/]+/[^/]+\\.jar$");
    }
}
