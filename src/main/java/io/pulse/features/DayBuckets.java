package io.pulse.features;

import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One customer's day buckets ({@link DayActivity} by epoch day) written into the customer's packed
 * state ({@link CustomerRollingState}), and read back: packed, they take a fraction of the heap of
 * bucket objects with boxed lists (see BENCHMARKS.md, State per customer: heap and RocksDB).
 *
 * <p>Lossless: {@code read} gives back what {@code write} wrote, field by field. Most numbers are
 * small, so they are written as variable-length integers (7 bits a byte): days as the gap from the
 * previous bucket, counts as they are, and times as milliseconds since the bucket's midnight (every
 * time in a bucket falls on its day). Ratings, first-usage and last-usage times are written only
 * when the bucket has ratings or usage, the only case in which they are set.
 */
final class DayBuckets {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private DayBuckets() {}

    static void write(NavigableMap<Long, DayActivity> days, CompactBytes.Writer out) {
        out.varint(days.size());
        long previousDay = 0;
        for (Map.Entry<Long, DayActivity> e : days.entrySet()) {
            long day = e.getKey();
            DayActivity a = e.getValue();
            long midnight = day * DAY_MS;
            out.varlong(day - previousDay);
            previousDay = day;
            out.varint(a.conversations);
            out.varint(a.bugOrOutage);
            out.varint(a.escalation);
            out.varint(a.upgradeDrivers);
            out.varint(a.botFirst);
            out.varint(a.rated);
            if (a.rated > 0) {
                out.fixed64(Double.doubleToLongBits(a.ratingSum));
            }
            out.varint(a.usage);
            if (a.usage > 0) {
                out.varlong(a.firstUsageAt - midnight);
                out.varlong(a.lastUsageAt - midnight);
            }
            out.varlong(a.lastCloseAt == 0 ? 0 : a.lastCloseAt - midnight + 1);
            out.varint(a.conversationTimes.size());
            for (long created : a.conversationTimes) {
                out.varlong(created - midnight);
            }
            out.varint(a.firstResponseMinutes.size());
            for (double minutes : a.firstResponseMinutes) {
                out.fixed64(Double.doubleToLongBits(minutes));
            }
        }
    }

    /** The buckets {@link #write} wrote. */
    static TreeMap<Long, DayActivity> read(CompactBytes.Reader in) {
        TreeMap<Long, DayActivity> days = new TreeMap<>();
        int count = in.varint();
        long day = 0;
        for (int i = 0; i < count; i++) {
            day += in.varlong();
            long midnight = day * DAY_MS;
            DayActivity a = new DayActivity();
            a.conversations = in.varint();
            a.bugOrOutage = in.varint();
            a.escalation = in.varint();
            a.upgradeDrivers = in.varint();
            a.botFirst = in.varint();
            a.rated = in.varint();
            if (a.rated > 0) {
                a.ratingSum = Double.longBitsToDouble(in.fixed64());
            }
            a.usage = in.varint();
            if (a.usage > 0) {
                a.firstUsageAt = midnight + in.varlong();
                a.lastUsageAt = midnight + in.varlong();
            }
            long close = in.varlong();
            a.lastCloseAt = close == 0 ? 0 : midnight + close - 1;
            int conversations = in.varint();
            for (int c = 0; c < conversations; c++) {
                a.conversationTimes.add(midnight + in.varlong());
            }
            int responses = in.varint();
            for (int r = 0; r < responses; r++) {
                a.firstResponseMinutes.add(Double.longBitsToDouble(in.fixed64()));
            }
            days.put(day, a);
        }
        return days;
    }
}
