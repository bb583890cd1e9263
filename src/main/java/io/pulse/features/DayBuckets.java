package io.pulse.features;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One customer's day buckets ({@link DayActivity} by epoch day) packed into a byte array for keyed
 * state, and back. A map of bucket objects with boxed lists cost ~5 KB of heap per customer over
 * the 61-day retention; packed, the same buckets take ~0.5 KB (BENCHMARKS.md, state per customer).
 *
 * <p>Lossless: {@code unpack(pack(days))} equals {@code days} field by field. Most numbers are
 * small, so they are written as variable-length integers (7 bits a byte): days as the gap from the
 * previous bucket, counts as they are, and times as milliseconds since the bucket's midnight (every
 * time in a bucket falls on its day). Ratings, first-usage and last-usage times are written only
 * when the bucket has ratings or usage, the only case in which they are set.
 */
public final class DayBuckets {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private DayBuckets() {}

    public static byte[] pack(NavigableMap<Long, DayActivity> days) {
        Writer out = new Writer();
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
        return out.toByteArray();
    }

    public static TreeMap<Long, DayActivity> unpack(byte[] packed) {
        TreeMap<Long, DayActivity> days = new TreeMap<>();
        if (packed == null) {
            return days;
        }
        Reader in = new Reader(packed);
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

    private static final class Writer {
        private byte[] bytes = new byte[256];
        private int length;

        void varint(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("a count cannot be negative: " + v);
            }
            varlong(v);
        }

        void varlong(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("gaps and times within a day cannot be negative: " + v);
            }
            while (v >= 0x80) {
                put((byte) (v | 0x80));
                v >>>= 7;
            }
            put((byte) v);
        }

        void fixed64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                put((byte) (v >>> shift));
            }
        }

        private void put(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }
    }

    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int varint() {
            return Math.toIntExact(varlong());
        }

        long varlong() {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                b = bytes[position++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            return v;
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[position++] & 0xFF);
            }
            return v;
        }
    }
}
