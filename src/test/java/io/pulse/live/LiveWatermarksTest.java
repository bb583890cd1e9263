package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.pulse.testing.TestEvents.DAY_0;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-partition watermarks of one reader (quiet advance switched off: an hour of quiet never passes
 * here), and the quiet advance on the source's input-activity clock.
 */
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
    void aGeneratorWithoutEventsFollowsTheSlowestPartitionSoEventTimeNeverPassesALaggingOne() {
        WatermarkStrategy<CustomerEvent> strategy = strategy();
        WatermarkGenerator<CustomerEvent> lagging = strategy.createWatermarkGenerator(null);
        WatermarkGenerator<CustomerEvent> ahead = strategy.createWatermarkGenerator(null);
        // Flink's generator for the reader as a whole: it sees no event, and its watermark goes downstream too.
        WatermarkGenerator<CustomerEvent> wholeReader = strategy.createWatermarkGenerator(null);
        Recorder out = new Recorder();
        lagging.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        ahead.onEvent(accountSnapshot("b.example", DAY_0 + 9_000, "Enterprise", 1, 1), DAY_0 + 9_000, out);
        wholeReader.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1);
        // The lagging partition's next event, 4 s older than the other's latest, is still on time.
        lagging.onEvent(accountSnapshot("a.example", DAY_0 + 5_100, "Enterprise", 1, 1), DAY_0 + 5_100, out);
        wholeReader.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1, DAY_0 + 5_100 - 200 - 1);
    }

    @Test
    void unreadableLinesDoNotMoveTheWatermark() {
        WatermarkGenerator<CustomerEvent> g = strategy().createWatermarkGenerator(null);
        Recorder out = new Recorder();
        g.onEvent(CustomerEvent.unreadable("live:x", "malformed JSON", "{", DAY_0 + 99_000), DAY_0 + 99_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0);
    }

    @Test
    void aQuietStreamAdvancesWithTheSourcesActivityClockFromTheLatestEventOn() {
        ManualClock activity = new ManualClock();
        WatermarkGenerator<CustomerEvent> g = LiveWatermarks.after(DAY_0, LATENESS, Duration.ofSeconds(1))
                .createWatermarkGenerator(activityClock(activity));
        Recorder out = new Recorder();
        g.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        activity.advanceTime(Duration.ofMillis(999));
        g.onPeriodicEmit(out);
        activity.advanceTime(Duration.ofMillis(501));
        g.onPeriodicEmit(out);
        // Not quiet for a second yet, then quiet for 1.5 s: the watermark moves on by those 1.5 s.
        assertThat(out.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1, DAY_0 + 5_000 + 1_500 - 200 - 1);
    }

    @Test
    void aLateBatchAfterAPauseGoesOnFromWhereThePauseTookEventTime() {
        ManualClock activity = new ManualClock();
        WatermarkGenerator<CustomerEvent> g = LiveWatermarks.after(DAY_0, LATENESS, Duration.ofSeconds(1))
                .createWatermarkGenerator(activityClock(activity));
        Recorder out = new Recorder();
        g.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        activity.advanceTime(Duration.ofSeconds(10));
        g.onPeriodicEmit(out);
        long afterPause = DAY_0 + 5_000 + 10_000 - 200 - 1;
        // An hour-old batch: activity, not new event time; once quiet again, time moves on from the pause's end.
        g.onEvent(accountSnapshot("a.example", DAY_0 + 1_000, "Enterprise", 1, 1), DAY_0 + 1_000, out);
        activity.advanceTime(Duration.ofSeconds(2));
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0 + 5_000 + 10_000 - 200 - 1, afterPause + 200 + 1 + 2_000 - 200 - 1);
    }

    @Test
    void aBackPressuredSourceIsNotQuietWhateverTheWallClockSays() throws Exception {
        ManualClock activity = new ManualClock(); // stopped: the source cannot emit
        WatermarkGenerator<CustomerEvent> g = LiveWatermarks.after(DAY_0, LATENESS, Duration.ofMillis(10))
                .createWatermarkGenerator(activityClock(activity));
        Recorder out = new Recorder();
        g.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        Thread.sleep(50); // five quiet periods of wall-clock time
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0 + 5_000 - 200 - 1);
    }

    @Test
    void anEventAheadOfTheWallClockDoesNotDragEventTimePastIt() {
        ManualClock activity = new ManualClock();
        ManualClock wall = wallClockAt(DAY_0 + 10_000);
        WatermarkGenerator<CustomerEvent> g = LiveWatermarks.after(DAY_0, LATENESS, Duration.ofSeconds(1), wall)
                .createWatermarkGenerator(activityClock(activity));
        Recorder out = new Recorder();
        // A producer whose clock is 4 minutes fast (within the parser's tolerance).
        long ahead = DAY_0 + 10_000 + Duration.ofMinutes(4).toMillis();
        g.onEvent(accountSnapshot("a.example", ahead, "Enterprise", 1, 1), ahead, out);
        g.onPeriodicEmit(out);
        // Quiet for a minute: event time follows the wall clock, not the event ahead of it.
        activity.advanceTime(Duration.ofMinutes(1));
        wall.advanceTime(Duration.ofMinutes(1));
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0 + 10_000 - 200 - 1, DAY_0 + 70_000 - 200 - 1);
        // Still quiet once the wall clock has passed the event: event time passes it too (it is scored).
        activity.advanceTime(Duration.ofMinutes(10));
        wall.advanceTime(Duration.ofMinutes(10));
        g.onPeriodicEmit(out);
        long last = out.watermarks.get(out.watermarks.size() - 1);
        assertThat(last).isEqualTo(DAY_0 + 10_000 + Duration.ofMinutes(11).toMillis() - 200 - 1).isGreaterThan(ahead);
    }

    @Test
    void eventTimeNeverFallsBackToTheWallClockBelowTheHistorysEnd() {
        ManualClock wall = wallClockAt(DAY_0 - 60_000);
        WatermarkGenerator<CustomerEvent> g = LiveWatermarks.after(DAY_0, LATENESS, NEVER_QUIET, wall)
                .createWatermarkGenerator(null);
        Recorder out = new Recorder();
        g.onEvent(accountSnapshot("a.example", DAY_0 + 5_000, "Enterprise", 1, 1), DAY_0 + 5_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(DAY_0);
    }

    /** A wall clock at {@code epochMs} (ManualClock counts nanoseconds). */
    static ManualClock wallClockAt(long epochMs) {
        return new ManualClock(epochMs * 1_000_000L);
    }

    static WatermarkGeneratorSupplier.Context activityClock(ManualClock activity) {
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return UnregisteredMetricsGroup.createOperatorMetricGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return activity;
            }
        };
    }

    private static WatermarkStrategy<CustomerEvent> strategy() {
        return LiveWatermarks.after(DAY_0, LATENESS, NEVER_QUIET);
    }

    static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        Recorder() {}

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
