package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

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
 *   an older time than that is late.</li>
 * </ul>
 * A Kafka reader runs one generator per partition (lateness is judged within a partition, whose
 * events are in the order they were written). A partition that has had no event yet follows the
 * reader's other partitions instead of holding them back at the history's end; its first event is
 * late if it is older than what the other partitions have already passed.
 */
public final class LiveWatermarks implements WatermarkGenerator<CustomerEvent> {
    private final long startAt;
    private final long latenessMs;
    private final long quietAfterMs;
    /** The latest event of every generator of this reader (this one's own when it has had none). */
    private final Clock reader;
    private final Clock own = new Clock();

    private long emitted = Long.MIN_VALUE;

    LiveWatermarks(long startAt, Duration lateness, Duration quietAfter, Clock reader) {
        this.startAt = startAt;
        this.latenessMs = lateness.toMillis();
        this.quietAfterMs = quietAfter.toMillis();
        this.reader = reader;
    }

    LiveWatermarks(long startAt, Duration lateness, Duration quietAfter) {
        this(startAt, lateness, quietAfter, new Clock());
    }

    /** The strategy for a live stream after a history ending at {@code historyEnd} (epoch ms). */
    public static WatermarkStrategy<CustomerEvent> after(long historyEnd, Duration lateness, Duration quietAfter) {
        return new Strategy(historyEnd, lateness, quietAfter);
    }

    @Override
    public void onEvent(CustomerEvent event, long eventTimestamp, WatermarkOutput output) {
        long now = System.currentTimeMillis();
        if (event.unreadableBecause == null) {
            own.event(eventTimestamp, now);
            reader.event(eventTimestamp, now);
        }
        // An unreadable line still counts as activity (no quiet advance right after it).
        own.lastWallClock = now;
        reader.lastWallClock = Math.max(reader.lastWallClock, now);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        Clock clock = own.maxTimestamp != Long.MIN_VALUE ? own : reader;
        long watermark = startAt;
        if (clock.maxTimestamp != Long.MIN_VALUE) {
            long silence = System.currentTimeMillis() - clock.lastWallClock;
            long advance = silence >= quietAfterMs ? silence : 0;
            watermark = Math.max(watermark, clock.maxTimestamp + advance - latenessMs - 1);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    /** The latest event time seen and the wall-clock time it was seen at. */
    static final class Clock {
        long maxTimestamp = Long.MIN_VALUE;
        long lastWallClock;

        void event(long timestamp, long now) {
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            lastWallClock = now;
        }
    }

    /**
     * Creates the generators of one reader (one parallel source instance); they share that
     * reader's {@link Clock}, which is created after the strategy is shipped to the task.
     */
    static final class Strategy implements WatermarkStrategy<CustomerEvent> {
        private static final long serialVersionUID = 1L;
        private final long historyEnd;
        private final Duration lateness;
        private final Duration quietAfter;
        private transient Clock reader;

        Strategy(long historyEnd, Duration lateness, Duration quietAfter) {
            this.historyEnd = historyEnd;
            this.lateness = lateness;
            this.quietAfter = quietAfter;
        }

        @Override
        public WatermarkGenerator<CustomerEvent> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            if (reader == null) {
                reader = new Clock();
            }
            return new LiveWatermarks(historyEnd, lateness, quietAfter, reader);
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
