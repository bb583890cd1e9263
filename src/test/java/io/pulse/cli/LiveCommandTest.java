package io.pulse.cli;

import io.pulse.actions.ActionSink;
import io.pulse.job.PulseJob;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `pulse live`: the options that decide how soon a live event reaches the queue. */
class LiveCommandTest {
    private static final String[] REQUIRED = {"--history", "h.sqlite", "--events", "live", "--sink", "jdbc:sqlite:a.sqlite"};

    private static LiveCommand parse(String... options) {
        LiveCommand live = new LiveCommand();
        String[] args = new String[REQUIRED.length + options.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(options, 0, args, REQUIRED.length, options.length);
        new CommandLine(live).parseArgs(args);
        return live;
    }

    @Test
    void byDefaultWatermarksBuffersAndTheSinkWaitTensOfMillisecondsNotFlinksHundreds() {
        PulseJob.Settings settings = parse().settings();
        assertThat(settings.watermarkInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.bufferTimeout()).isEqualTo(Duration.ofMillis(10));
        assertThat(settings.sinkBatching()).isEqualTo(new ActionSink.Batching(2000, Duration.ofMillis(20)));
    }

    @Test
    void theLatencyOptionsReachTheJobAndTheJdbcSinks() {
        PulseJob.Settings settings = parse("--watermark-interval", "PT0.05S", "--buffer-timeout", "PT0S",
                "--sink-flush-interval", "PT0.1S", "--sink-batch-size", "500").settings();
        assertThat(settings.watermarkInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.bufferTimeout()).isZero();
        JdbcExecutionOptions jdbc = settings.sinkBatching().executionOptions();
        assertThat(jdbc.getBatchIntervalMs()).isEqualTo(100);
        assertThat(jdbc.getBatchSize()).isEqualTo(500);
    }

    @Test
    void aSinkIntervalBelowAMillisecondIsRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("--sink-flush-interval", "PT0S").settings())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the flush interval must be at least 1 ms");
    }
}
