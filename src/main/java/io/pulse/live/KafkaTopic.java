package io.pulse.live;

import java.util.Objects;

/**
 * Where live events are read from Kafka, written as
 * {@code kafka://host:port[,host:port...]/topic[?group=ID]}: the bootstrap servers, the topic, and
 * the consumer group (default {@value #DEFAULT_GROUP}) whose committed offsets a fresh job starts
 * from (the earliest offset of a partition the group has none for).
 */
public record KafkaTopic(String bootstrapServers, String topic, String group) {
    public static final String SCHEME = "kafka://";
    public static final String DEFAULT_GROUP = "pulse-live";

    public KafkaTopic {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers cannot be null");
        Objects.requireNonNull(topic, "topic cannot be null");
        Objects.requireNonNull(group, "group cannot be null");
    }

    /** Whether {@code events} names a Kafka topic rather than a directory. */
    public static boolean isKafka(String events) {
        return events.startsWith(SCHEME);
    }

    /** Parses {@code kafka://host:port[,host:port...]/topic[?group=ID]}; throws with what is wrong. */
    public static KafkaTopic parse(String uri) {
        if (!isKafka(uri)) {
            throw new IllegalArgumentException("not a Kafka address (kafka://host:port/topic): " + uri);
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String servers = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String query = "";
        int question = path.indexOf('?');
        if (question >= 0) {
            query = path.substring(question + 1);
            path = path.substring(0, question);
        }
        if (servers.isBlank() || !servers.matches("[^,:/]+:\\d+(,[^,:/]+:\\d+)*")) {
            throw new IllegalArgumentException("bad Kafka servers \"" + servers + "\" in " + uri
                    + " (want host:port[,host:port...])");
        }
        if (path.isBlank() || path.contains("/")) {
            throw new IllegalArgumentException("no topic in " + uri + " (want kafka://host:port/topic)");
        }
        String group = DEFAULT_GROUP;
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            String[] kv = parameter.split("=", 2);
            if (kv.length == 2 && kv[0].equals("group") && !kv[1].isBlank()) {
                group = kv[1];
            } else {
                throw new IllegalArgumentException("unknown Kafka parameter \"" + parameter + "\" in " + uri
                        + " (the only one is group=ID)");
            }
        }
        return new KafkaTopic(servers, path, group);
    }

    @Override
    public String toString() {
        return SCHEME + bootstrapServers + "/" + topic + "?group=" + group;
    }
}
