package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Live events as a stream: JSON lines ({@link LiveEventFormat}), parsed, with
 * {@link LiveWatermarks}, from one of two places:
 * <ul>
 *   <li>a watched directory: every file that appears in it is read once, line by line (write a file
 *   elsewhere and move it in, so it is never read half-written); an event's origin is
 *   {@code path:line};</li>
 *   <li>a Kafka topic: one event per record value (UTF-8 JSON, one line), with watermarks per
 *   partition. Key records by customer id so each customer's events stay in order. An event's
 *   origin is {@code kafka:topic-partition@offset}.</li>
 * </ul>
 * Every event keeps its input exactly as it arrived ({@link CustomerEvent#raw}) and its origin, for
 * its dead letter if it gets one. Both read with one task; the pipeline fans out by customer after validation.
 */
public final class LiveSource {
    /** How live events are read and when they are late. */
    public record Settings(Duration lateness, Duration quietAfter, Duration directoryScan, LiveEventFormat format) {
        /** 2 s lateness, a 1 s quiet period, the directory scanned every second, 64 KiB lines. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    LiveEventFormat.defaults());
        }
    }

    private LiveSource() {}

    /** The events of the JSON-lines files in {@code directory}, following the history that ends at {@code historyEnd}. */
    public static DataStream<CustomerEvent> directory(StreamExecutionEnvironment env, Path directory, long historyEnd,
                                                      Settings settings) {
        FileSource<NumberedLines.Line> files = FileSource
                .forBulkFileFormat(new NumberedLines(), org.apache.flink.core.fs.Path.fromLocalFile(
                        directory.toAbsolutePath().toFile()))
                .monitorContinuously(settings.directoryScan())
                .build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), "Live events: " + directory.getFileName())
                .uid("live-directory")
                .setParallelism(1) // one reader: a file's lines stay in order for the watermarks
                .filter(line -> !line.text.isBlank())
                .name("Skip blank lines")
                .setParallelism(1)
                .map(new Parse(settings.format()))
                .returns(TypeInformation.of(CustomerEvent.class))
                .name("Parse JSON lines")
                .setParallelism(1)
                .assignTimestampsAndWatermarks(LiveWatermarks.after(historyEnd, settings.lateness(), settings.quietAfter()))
                .name("Live watermarks")
                .setParallelism(1);
    }

    /**
     * The events of a Kafka topic, following the history that ends at {@code historyEnd}. A fresh
     * job starts at the group's committed offsets (earliest where it has none); a restored job at
     * the offsets of its checkpoint. Offsets are committed to the group on every checkpoint.
     */
    public static DataStream<CustomerEvent> kafka(StreamExecutionEnvironment env, KafkaTopic topic, long historyEnd,
                                                  Settings settings) {
        KafkaSource<CustomerEvent> source = KafkaSource.<CustomerEvent>builder()
                .setBootstrapServers(topic.bootstrapServers())
                .setTopics(topic.topic())
                .setGroupId(topic.group())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaRecords(settings.format()))
                // new partitions of the topic are picked up while running
                .setProperty("partition.discovery.interval.ms", "10000")
                .build();
        // Watermarks per partition, from the parsed events, inside the reader.
        return env.fromSource(source, LiveWatermarks.after(historyEnd, settings.lateness(), settings.quietAfter()),
                        "Live events: Kafka " + topic.topic())
                .uid("live-kafka")
                .setParallelism(1);
    }

    /** A record's value (one JSON line) to an event, or to an unreadable event carrying the reason. */
    static final class KafkaRecords implements KafkaRecordDeserializationSchema<CustomerEvent> {
        private static final long serialVersionUID = 1L;
        private final LiveEventFormat format;

        KafkaRecords(LiveEventFormat format) {
            this.format = format;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<CustomerEvent> out) {
            out.collect(read(record, System.currentTimeMillis()));
        }

        /** The record's event, with its value as it came and its topic, partition and offset. */
        CustomerEvent read(ConsumerRecord<byte[], byte[]> record, long nowMs) {
            String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            CustomerEvent e = format.parse(value.strip(), nowMs);
            e.raw = value;
            e.origin = origin(record.topic(), record.partition(), record.offset());
            return e;
        }

        @Override
        public TypeInformation<CustomerEvent> getProducedType() {
            return TypeInformation.of(CustomerEvent.class);
        }
    }

    /** Where a Kafka record arrived: {@code kafka:topic-partition@offset}. */
    static String origin(String topic, int partition, long offset) {
        return "kafka:" + topic + "-" + partition + "@" + offset;
    }

    /** A line to an event, or to an unreadable event carrying the reason; either way with its file and line. */
    static final class Parse implements MapFunction<NumberedLines.Line, CustomerEvent> {
        private final LiveEventFormat format;

        Parse(LiveEventFormat format) {
            this.format = format;
        }

        @Override
        public CustomerEvent map(NumberedLines.Line line) {
            return read(line, System.currentTimeMillis());
        }

        CustomerEvent read(NumberedLines.Line line, long nowMs) {
            CustomerEvent e = format.parse(line.text, nowMs);
            e.origin = line.where();
            return e;
        }
    }
}
