package io.pulse.live;

import io.pulse.events.CustomerEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
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
 */
public final class LiveWatermarks implements WatermarkGenerator<CustomerEvent> {
    private final long startAt;
    private final long latenessMs;
    private final long quietAfterMs;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEventWallClock;
    private long emitted = Long.MIN_VALUE;

    LiveWatermarks(long startAt, Duration lateness, Duration quietAfter) {
        this.startAt = startAt;
        this.latenessMs = lateness.toMillis();
        this.quietAfterMs = quietAfter.toMillis();
    }

    /** The strategy for a live stream after a history ending at {@code historyEnd} (epoch ms). */
    public static WatermarkStrategy<CustomerEvent> after(long historyEnd, Duration lateness, Duration quietAfter) {
        return WatermarkStrategy.<CustomerEvent>forGenerator(ctx -> new LiveWatermarks(historyEnd, lateness, quietAfter))
                .withTimestampAssigner((e, previous) -> e.eventTime);
    }

    @Override
    public void onEvent(CustomerEvent event, long eventTimestamp, WatermarkOutput output) {
        if (event.unreadableBecause == null) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        }
        lastEventWallClock = System.currentTimeMillis();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = startAt;
        if (maxTimestamp != Long.MIN_VALUE) {
            long silence = System.currentTimeMillis() - lastEventWallClock;
            long advance = silence >= quietAfterMs ? silence : 0;
            watermark = Math.max(watermark, maxTimestamp + advance - latenessMs - 1);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
