package io.pulse.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaTopicTest {
    @Test
    void readsServersTopicAndTheDefaultGroup() {
        KafkaTopic t = KafkaTopic.parse("kafka://localhost:9092/customer-events");
        assertThat(t).isEqualTo(new KafkaTopic("localhost:9092", "customer-events", KafkaTopic.DEFAULT_GROUP));
    }

    @Test
    void readsSeveralServersAndAGroup() {
        KafkaTopic t = KafkaTopic.parse("kafka://k1:9092,k2:9093/events?group=pulse-eu");
        assertThat(t).isEqualTo(new KafkaTopic("k1:9092,k2:9093", "events", "pulse-eu"));
        assertThat(KafkaTopic.parse(t.toString())).isEqualTo(t);
    }

    @Test
    void saysWhatIsWrongWithABadAddress() {
        assertThatThrownBy(() -> KafkaTopic.parse("kafka://localhost:9092")).hasMessageContaining("no topic");
        assertThatThrownBy(() -> KafkaTopic.parse("kafka://localhost/events")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> KafkaTopic.parse("kafka://localhost:9092/events?offsets=latest"))
                .hasMessageContaining("unknown Kafka parameter");
    }

    @Test
    void tellsAKafkaAddressFromADirectory() {
        assertThat(KafkaTopic.isKafka("kafka://localhost:9092/events")).isTrue();
        assertThat(KafkaTopic.isKafka("data/events")).isFalse();
    }
}
