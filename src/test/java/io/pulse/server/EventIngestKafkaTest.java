package io.pulse.server;

import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import io.pulse.queue.ActionQueue;
import io.pulse.testing.InProcessKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.pulse.server.ServerFixtures.HOOK_TOKEN;
import static io.pulse.server.ServerFixtures.WITH_INGEST;
import static io.pulse.server.ServerFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/events into a real (in-process) Kafka topic, as `pulse serve --events kafka://...` does. */
class EventIngestKafkaTest {
    private static final String TOPIC = "customer-events";

    @TempDir
    Path dir;

    @Test
    void eachEventBecomesARecordKeyedByItsCustomerWithTheLineAsSent() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String customer = List.of("Acme.Example", "beta.example", "gamma.example").get(i % 3);
            lines.add(event(customer, "hook:" + i));
        }
        try (InProcessKafka kafka = InProcessKafka.start();
             ActionQueue queue = ActionQueue.open(ServerFixtures.queueOfTwo(dir), 2, Clock.systemUTC())) {
            kafka.createTopic(TOPIC, 3);
            EventIngest ingest = new EventIngest(EventPublisher.to(kafka.address(TOPIC)), LiveEventFormat.defaults(),
                    Clock.systemUTC());
            try (ingest; QueueServer server = QueueServer.start(queue, WITH_INGEST, "127.0.0.1", 0, ingest)) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + server.port() + "/api/events"))
                        .header("Authorization", "Bearer " + HOOK_TOKEN)
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                assertThat(r.body()).isEqualTo("{\"accepted\":12,\"rejected\":0}");
            }
            List<ConsumerRecord<String, String>> records = readAll(kafka, lines.size());
            assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(lines);
            Map<String, List<Integer>> partitionsByKey = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> rec : records) {
                String expectedKey = rec.value().contains("Acme.Example") ? "acme.example"
                        : rec.value().contains("beta.example") ? "beta.example" : "gamma.example";
                assertThat(rec.key()).as(rec.value()).isEqualTo(expectedKey);
                partitionsByKey.computeIfAbsent(rec.key(), k -> new ArrayList<>()).add(rec.partition());
            }
            assertThat(partitionsByKey.values()).as("a customer's events share a partition")
                    .allSatisfy(ps -> assertThat(ps).containsOnly(ps.get(0)));
            List<String> acme = records.stream().filter(rec -> rec.key().equals("acme.example"))
                    .map(ConsumerRecord::value).toList();
            assertThat(acme).as("in the order sent").containsExactly(lines.get(0), lines.get(3), lines.get(6), lines.get(9));
        }
    }

    /** Every record of the topic, partition by partition in offset order, once {@code expected} have arrived. */
    private static List<ConsumerRecord<String, String>> readAll(InProcessKafka kafka, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
