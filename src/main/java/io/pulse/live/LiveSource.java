package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Live events as a stream: JSON lines ({@link LiveEventFormat}) from a watched directory, parsed,
 * with {@link LiveWatermarks}. Every file that appears in the directory is read once, line by line
 * (write a file elsewhere and move it in, so it is never read half-written).
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
        FileSource<String> files = FileSource
                .forRecordStreamFormat(new TextLineInputFormat(), org.apache.flink.core.fs.Path.fromLocalFile(
                        directory.toAbsolutePath().toFile()))
                .monitorContinuously(settings.directoryScan())
                .build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), "Live events: " + directory.getFileName())
                .uid("live-directory")
                .setParallelism(1) // one reader: a file's lines stay in order for the watermarks
                .filter(line -> !line.isBlank())
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

    /** A line to an event, or to an unreadable event carrying the reason. */
    static final class Parse implements MapFunction<String, CustomerEvent> {
        private final LiveEventFormat format;

        Parse(LiveEventFormat format) {
            this.format = format;
        }

        @Override
        public CustomerEvent map(String line) {
            return format.parse(line, System.currentTimeMillis());
        }
    }
}
