package io.pulse.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real Kafka broker (KRaft, one combined broker and controller node) in the test's JVM, on a
 * free local port: what the live tests produce their records into.
 */
public final class InProcessKafka implements AutoCloseable {
    private final KafkaClusterTestKit kafka;

    private InProcessKafka(KafkaClusterTestKit kafka) {
        this.kafka = kafka;
    }

    public static InProcessKafka start() throws Exception {
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                // One broker: with the default 3 replicas the group-offsets topic is never created,
                // and a consumer group then silently reads nothing.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return new InProcessKafka(kafka);
    }

    /** host:port of the broker, as {@code --events kafka://host:port/topic} takes it. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code kafka://host:port/topic}: the `pulse live --events` address of a topic on this broker. */
    public String address(String topic) {
        return "kafka://" + bootstrapServers() + "/" + topic;
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** Sends the records in order, each acknowledged by the broker before the next. */
    public void produce(List<ProducerRecord<String, String>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r).get();
            }
        }
    }

    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
