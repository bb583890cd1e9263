package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Watermarks of a live event stream: bounded out-of-orderness (an event may arrive up to
 * {@code lateness} after a later one; beyond that it is late and goes to the dead letters), with
 * two additions for a stream that follows a history:
 * <ul>
 *   <li>the watermark starts at the history's end, so the history is evaluated before the first
 *   live event arrives, and live events at or before that time are late (the history has them);</li>
 *   <li>when no event has arrived for {@code quietAfter} of wall-clock time, event time is taken
 *   to advance with the wall clock from the latest event on (less the lateness), so the last events
 *   before a pause are evaluated without waiting for the next one. An event that then arrives with
 *   an older time than that is late. After the pause, event time goes on from where the pause took
 *   it, not back from the latest event: a batch of late events must not stall it. A back-pressured source is not quiet: the silence is counted
 *   on Flink's input-activity clock, which stops while the source cannot emit (as Flink's own
 *   idleness detection does), so a job that falls behind does not take its own lag for quiet.</li>
 *   <li>event time never passes the wall clock less the lateness: an event stamped ahead of the
 *   clock (a producer whose clock runs fast, within the parser's tolerance; further ahead it is
 *   dead-lettered before it gets here) does not drag the watermark ahead, so the on-time events
 *   after it are not late. It waits, like any event, until the watermark passes its period: it is
 *   scored when the wall clock reaches its time.</li>
 * </ul>
 * A Kafka reader runs one generator per partition (lateness is judged within a partition, whose
 * events are in the order they were written). A partition that has had no event yet follows the
 * slowest of the reader's other partitions instead of holding them back at the history's end; its
 * first event is late if it is older than what that partition has already passed. The slowest,
 * not the newest: Flink also runs a generator for the reader as a whole, which never sees an event
 * and whose watermark reaches downstream too; following the newest would move event time past a
 * partition that lags the others and make its valid events late.
 */
public final class LiveWatermarks implements WatermarkGenerator<CustomerEvent> {
    private final long startAt;
    private final long latenessMs;
    private final long quietAfterMs;
    /** The generators of this reader: one without events of its own follows the slowest of them. */
    private final Reader reader;
    private final LatestEvent own;
    /** The wall clock event time may not pass (less the lateness). */
    private final Clock wall;

    private long emitted = Long.MIN_VALUE;

    LiveWatermarks(long startAt, Duration lateness, Duration quietAfter, Reader reader, RelativeClock activity,
                   Clock wall) {
        this.startAt = startAt;
        this.wall = wall;
        this.latenessMs = lateness.toMillis();
        this.quietAfterMs = quietAfter.toMillis();
        this.reader = reader;
        this.own = new LatestEvent(activity);
        reader.generators.add(own);
    }

    /** The strategy for a live stream after a history ending at {@code historyEnd} (epoch ms). */
    public static WatermarkStrategy<CustomerEvent> after(long historyEnd, Duration lateness, Duration quietAfter) {
        return new RecommendedAction(historyEnd, lateness, quietAfter, null);
    }

    /** As {@link #after(long, Duration, Duration)}, with {@code wall} as the wall clock (tests). */
    static WatermarkStrategy<CustomerEvent> after(long historyEnd, Duration lateness, Duration quietAfter, Clock wall) {
        return new RecommendedAction(historyEnd, lateness, quietAfter, wall);
    }

    @Override
    public void onEvent(CustomerEvent event, long eventTimestamp, WatermarkOutput output) {
        long active = own.activity.relativeTimeMillis();
        if (event.unreadableBecause == null) {
            own.maxTimestamp = Math.max(own.maxTimestamp, eventTimestamp);
        }
        if (emitted != Long.MIN_VALUE && own.maxTimestamp != Long.MIN_VALUE) {
            // Event time already reached (a quiet stretch moved it on) is kept: a late batch after a
            // pause must not hold the watermark until the silence after it is as long as the pause.
            own.maxTimestamp = Math.max(own.maxTimestamp, emitted + latenessMs + 1);
        }
        // An unreadable line still counts as activity (no quiet advance right after it).
        own.lastActive = active;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        LatestEvent latest = own.maxTimestamp != Long.MIN_VALUE ? own : reader.slowest();
        long watermark = startAt;
        if (latest != null) {
            long silence = latest.activity.relativeTimeMillis() - latest.lastActive;
            long advance = silence >= quietAfterMs ? silence : 0;
            // Never past the wall clock (less the lateness), whatever the latest event says.
            long ceiling = wall.absoluteTimeMillis() - latenessMs - 1;
            watermark = Math.max(watermark, Math.min(latest.maxTimestamp + advance - latenessMs - 1, ceiling));
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    /**
     * A generator's latest event time, and when it last saw an event on its input-activity clock
     * (each partition has its own: it stops while the partition is paused).
     */
    static final class LatestEvent {
        final RelativeClock activity;
        long maxTimestamp = Long.MIN_VALUE;
        long lastActive;

        LatestEvent(RelativeClock activity) {
            this.activity = activity;
        }
    }

    /** The generators of one reader (one parallel source instance), all called from its task thread. */
    static final class Reader {
        final List<LatestEvent> generators = new ArrayList<>();

        /** The generator with the oldest latest event, of those that have had one; null if none has. */
        LatestEvent slowest() {
            LatestEvent slowest = null;
            for (LatestEvent g : generators) {
                if (g.maxTimestamp != Long.MIN_VALUE && (slowest == null || g.maxTimestamp < slowest.maxTimestamp)) {
                    slowest = g;
                }
            }
            return slowest;
        }
    }

    /**
     * Creates the generators of one reader (one parallel source instance); they share that
     * reader's {@link Reader}, which is created after the strategy is shipped to the task.
     */
    static final class RecommendedAction implements WatermarkStrategy<CustomerEvent> {
        private static final long serialVersionUID = 1L;
        private final long historyEnd;
        private final Duration lateness;
        private final Duration quietAfter;
        /** The wall clock, null for the system's (a test's clock is never shipped to a task). */
        private final transient Clock wall;
        private transient Reader reader;

        RecommendedAction(long historyEnd, Duration lateness, Duration quietAfter, Clock wall) {
            this.historyEnd = historyEnd;
            this.lateness = lateness;
            this.quietAfter = quietAfter;
            this.wall = wall;
        }

        @Override
        public WatermarkGenerator<CustomerEvent> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            if (reader == null) {
                reader = new Reader();
            }
            // Without a context (unit tests), the system clock: the silence is then wall-clock time.
            return new LiveWatermarks(historyEnd, lateness, quietAfter, reader,
                    context != null ? context.getInputActivityClock() : SystemClock.getInstance(),
                    wall != null ? wall : SystemClock.getInstance());
        }

        @Override
        public TimestampAssigner<CustomerEvent> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
            return new EventTime();
        }
    }

    static final class EventTime implements TimestampAssigner<CustomerEvent> {
        @Override
        public long extractTimestamp(CustomerEvent e, long recordTimestamp) {
            return e.eventTime;
        }
    }
}
