package io.pulse.live;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes batches to the Kafka topic a live job reads, one record per event keyed by customer
 * (so a customer's events stay in one partition, in order), acknowledged by all in-sync replicas
 * with an idempotent producer before {@link #publish} returns.
 */
final class KafkaEventPublisher implements EventPublisher {
    private final KafkaTopic topic;
    private final KafkaProducer<String, String> producer;

    KafkaEventPublisher(KafkaTopic topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topic.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A batch is given up after 30 s in all; the client needs linger + one request's timeout to fit in it.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Override
    public void publish(List<Line> batch) throws IOException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        for (Line line : batch) {
            sent.add(producer.send(new ProducerRecord<>(topic.topic(), line.customerId(), line.json())));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IOException("cannot publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    @Override
    public String toString() {
        return topic.toString();
    }
}
