package io.pulse.features;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.NavigableMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class DayBucketsTest {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    /** The buckets written alone. */
    private static byte[] packed(NavigableMap<Long, DayActivity> days) {
        CompactBytes.Writer out = new CompactBytes.Writer();
        DayBuckets.write(days, out);
        return out.toByteArray();
    }

    private static NavigableMap<Long, DayActivity> read(byte[] packed) {
        return DayBuckets.read(new CompactBytes.Reader(packed));
    }

    @Test
    void readGivesBackEveryFieldOfEveryBucket() {
        NavigableMap<Long, DayActivity> days = new TreeMap<>();
        DayActivity talk = new DayActivity();
        talk.conversations = 3;
        talk.bugOrOutage = 2;
        talk.escalation = 1;
        talk.upgradeDrivers = 1;
        talk.botFirst = 2;
        talk.rated = 2;
        talk.ratingSum = 7.5;
        talk.lastCloseAt = 20_000 * DAY_MS; // a close at midnight is not "no close"
        talk.conversationTimes.add(20_000 * DAY_MS + 5);
        talk.conversationTimes.add(20_000 * DAY_MS + 5);
        talk.conversationTimes.add(20_001 * DAY_MS - 1);
        talk.firstResponseMinutes.add(12.25);
        talk.firstResponseMinutes.add(0.0);
        days.put(20_000L, talk);
        DayActivity usage = new DayActivity();
        usage.usage = 1_000_000;
        usage.firstUsageAt = 20_060 * DAY_MS;
        usage.lastUsageAt = 20_061 * DAY_MS - 1;
        days.put(20_060L, usage);
        days.put(20_061L, new DayActivity());

        NavigableMap<Long, DayActivity> unpacked = read(packed(days));

        assertThat(unpacked).usingRecursiveComparison().isEqualTo(days);
    }

    @Test
    void noBucketsPackSmallAndReadEmpty() {
        assertThat(packed(new TreeMap<>())).hasSize(1);
        assertThat(read(packed(new TreeMap<>()))).isEmpty();
    }

    @Test
    void aBucketOfUsageTakesAFewBytesNotAnObjectGraph() {
        NavigableMap<Long, DayActivity> days = new TreeMap<>();
        for (long day = 20_000; day < 20_061; day++) {
            DayActivity a = new DayActivity();
            a.usage = 3;
            a.firstUsageAt = day * DAY_MS + 9 * 3_600_000L;
            a.lastUsageAt = day * DAY_MS + 17 * 3_600_000L;
            days.put(day, a);
        }
        // 1 day gap + 7 counts + 2 times of 4 bytes + close + 2 list sizes = 19 bytes a day
        assertThat(packed(days)).hasSizeLessThanOrEqualTo(1 + 61 * 19 + 2);
    }
}
