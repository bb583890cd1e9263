package io.pulse.live;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventValidator;
import io.pulse.model.DeadLetter;
import io.pulse.testing.BadLines;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pulse.testing.TestEvents.conversation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #24: every live dead letter keeps its input exactly as it arrived, and where it arrived
 * (file and line, or topic, partition and offset), whatever the reason.
 */
class RawInputTest {
    private static final long NOW = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
    private final LiveEventFormat format = new LiveEventFormat(64 * 1024, Duration.ofMinutes(5));

    @TempDir
    Path dir;

    @Test
    void everyKindOfBadLineIsDeadLetteredWithTheLineAsItWasWrittenAndItsFileAndLine() throws IOException {
        Map<String, String> corpus = BadLines.corpus(NOW - 1_000, NOW - 2 * 86_400_000L);
        corpus.values().remove("late event"); // judged downstream (CustomerFeatureFunctionTest)
        List<String> lines = new ArrayList<>(corpus.keySet());
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        List<NumberedLines.Line> read = readAll(file, null);
        LiveSource.Parse parse = new LiveSource.Parse(format);
        for (int i = 0; i < lines.size(); i++) {
            CustomerEvent e = parse.read(read.get(i), NOW);
            String reason = EventValidator.problem(e);
            DeadLetter d = e.toDeadLetter(reason);
            assertThat(reason).as(lines.get(i)).contains(corpus.get(lines.get(i)));
            assertThat(d.raw.getBytes(StandardCharsets.UTF_8)).as(reason)
                    .isEqualTo(lines.get(i).getBytes(StandardCharsets.UTF_8));
            assertThat(d.source).isEqualTo(file + ":" + (i + 1));
        }
    }

    @Test
    void linesAreNumberedFromOneBlankOnesIncludedAlsoWhenAReaderResumesAFile() throws IOException {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "a\n\n  c  \nd\r\ne\n", StandardCharsets.UTF_8);
        assertThat(readAll(file, null)).extracting(NumberedLines.Line::where, l -> l.text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(file + ":1", "a"), org.assertj.core.groups.Tuple.tuple(file + ":2", ""),
                org.assertj.core.groups.Tuple.tuple(file + ":3", "  c  "), org.assertj.core.groups.Tuple.tuple(file + ":4", "d"),
                org.assertj.core.groups.Tuple.tuple(file + ":5", "e"));
        // A checkpoint after line 3: the restored reader goes on at line 4.
        assertThat(readAll(file, new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 3)))
                .extracting(NumberedLines.Line::where).containsExactly(file + ":4", file + ":5");
    }

    @Test
    void aKafkaRecordsDeadLetterKeepsItsValueAsSentAndItsTopicPartitionAndOffset() {
        LiveSource.KafkaRecords records = new LiveSource.KafkaRecords(format);
        String hourAhead = "  " + LiveEventFormat.toLine(conversation("acme.example",
                NOW + Duration.ofHours(1).toMillis(), "Bug, \u00c9scalade", false)) + "\r\n";
        String malformed = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"\u00e9\"\n";
        String onTime = LiveEventFormat.toLine(conversation("acme.example", NOW - 10, "Bug", false));

        CustomerEvent ahead = records.read(record(hourAhead, 3, 42), NOW);
        CustomerEvent bad = records.read(record(malformed, 0, 7), NOW);
        CustomerEvent good = records.read(record(onTime, 1, 0), NOW);

        DeadLetter aheadLetter = ahead.toDeadLetter(EventValidator.problem(ahead));
        assertThat(aheadLetter.reason).startsWith("ahead of the clock");
        assertThat(aheadLetter.raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(hourAhead.getBytes(StandardCharsets.UTF_8));
        assertThat(aheadLetter.source).isEqualTo("kafka:events-3@42");
        DeadLetter badLetter = bad.toDeadLetter(EventValidator.problem(bad));
        assertThat(badLetter.reason).startsWith("malformed JSON");
        assertThat(badLetter.raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(malformed.getBytes(StandardCharsets.UTF_8));
        assertThat(badLetter.source).isEqualTo("kafka:events-0@7");
        // A good record carries the same, for a dead letter further on (a late event).
        assertThat(EventValidator.problem(good)).isNull();
        assertThat(good.raw).isEqualTo(onTime);
        assertThat(good.origin).isEqualTo("kafka:events-1@0");
    }

    private static ConsumerRecord<byte[], byte[]> record(String value, int partition, long offset) {
        return new ConsumerRecord<>("events", partition, offset, "acme.example".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The file's lines as the live directory source reads them, from the start or from a checkpoint. */
    private static List<NumberedLines.Line> readAll(Path file, CheckpointedPosition from) throws IOException {
        long size = Files.size(file);
        FileSourceSplit split = new FileSourceSplit("0", org.apache.flink.core.fs.Path.fromLocalFile(file.toFile()),
                0, size, Files.getLastModifiedTime(file).toMillis(), size, new String[0], from);
        NumberedLines lines = new NumberedLines();
        List<NumberedLines.Line> read = new ArrayList<>();
        try (BulkFormat.Reader<NumberedLines.Line> reader = from == null
                ? lines.createReader(new Configuration(), split) : lines.restoreReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<NumberedLines.Line> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<NumberedLines.Line> r;
                while ((r = batch.next()) != null) {
                    read.add(r.getRecord());
                }
                batch.releaseBatch();
            }
        }
        return read;
    }
}
