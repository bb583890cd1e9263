package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.pulse.testing.TestEvents.DAY_0;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-partition watermarks of one reader (quiet advance switched off: an hour of quiet never passes here). */
class LiveWatermarksTest {
    private static final Duration LATENESS = Duration.ofMillis(200);
    private static final Duration NEVER_QUIET = Duration.ofHours(1);

    @Test
    void startsAtTheHistorysEndAndFollowsTheLatestEventLessTheLateness() {
        WatermarkGenerator<CustomerEvent> g = strategy().createWatermarkGenerator(null);
        Recorder out = new Recorder();
        g.onPeriodicEmit(out);
        g.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0, DAY_0 + 5_000 - 200 - 1);
    }

    @Test
    void aPartitionWithoutEventsFollowsTheReadersOtherPartitionsInsteadOfHoldingThemAtTheHistorysEnd() {
        WatermarkStrategy<CustomerEvent> strategy = strategy();
        WatermarkGenerator<CustomerEvent> busy = strategy.createWatermarkGenerator(null);
        WatermarkGenerator<CustomerEvent> empty = strategy.createWatermarkGenerator(null);
        Recorder busyOut = new Recorder();
        Recorder emptyOut = new Recorder();
        busy.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, busyOut);
        busy.onPeriodicEmit(busyOut);
        empty.onPeriodicEmit(emptyOut);
        assertThat(emptyOut.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1);
        // Once it has events of its own, a partition follows only those.
        empty.onEvent(accountSnapshot("b.example", DAY_0 + 9_000, "Enterprise", 1, 1), DAY_0 + 9_000, emptyOut);
        busy.onPeriodicEmit(busyOut);
        empty.onPeriodicEmit(emptyOut);
        assertThat(busyOut.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1);
        assertThat(emptyOut.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1, DAY_0 + 9_000 - 200 - 1);
    }

    @Test
    void unreadableLinesDoNotMoveTheWatermark() {
        WatermarkGenerator<CustomerEvent> g = strategy().createWatermarkGenerator(null);
        Recorder out = new Recorder();
        g.onEvent(CustomerEvent.unreadable("live:x", "malformed JSON", "{", DAY_0 + 99_000), DAY_0 + 99_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0);
    }

    private static WatermarkStrategy<CustomerEvent> strategy() {
        return LiveWatermarks.after(DAY_0, LATENESS, NEVER_QUIET);
    }

    private static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            watermarks.add(-1L);
        }

        @Override
        public void markActive() {}
    }
}
