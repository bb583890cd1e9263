package io.pulse.live;

import java.io.IOException;
import java.util.List;

/**
 * Where accepted live events are handed to the running job: the watched directory or the Kafka
 * topic that {@code pulse live} reads. {@link #publish} returns only once the batch is durable
 * there, so a caller that answers "accepted" after it loses nothing if it stops right after.
 */
public interface EventPublisher extends AutoCloseable {
    /** One event to publish: the customer it belongs to (the Kafka key) and its JSON line. */
    record Line(String customerId, String json) {}

    /** Publishes the batch durably and as one unit (a directory file appears whole; Kafka records are acked). */
    void publish(List<Line> batch) throws IOException;

    @Override
    void close() throws IOException;

    /** The publisher for {@code events}: a {@code kafka://} address or a watched directory's path. */
    static EventPublisher to(String events) {
        return KafkaTopic.isKafka(events) ? new KafkaEventPublisher(KafkaTopic.parse(events))
                : new WatchedDirectory(java.nio.file.Path.of(events));
    }
}
