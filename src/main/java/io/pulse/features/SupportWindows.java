package io.pulse.features;

import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.SupportActivity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The support figures the rules read, computed from one customer's UTC-day buckets
 * ({@link DayActivity}, keyed by epoch day). Pure functions: the feature operator passes the
 * buckets it keeps, tests pass their own.
 *
 * <p>Definitions (rules-pack sections 3 and 4; thresholds on these figures live in the rules):
 * "30d" is the 30 days up to and including the evaluation day; the median first response leaves
 * out times below the 1st and above the 99th percentile (nearest rank); the 72-hour conversion
 * counts a conversation as converted when the customer used the product after it and within 72
 * hours; a conversation spike compares a day's count with the mean and standard deviation of the
 * 14 days before it (days without conversations count as zero).
 */
public final class SupportWindows {
    static final int WINDOW_DAYS = 30;
    /** Buckets are kept this many days: the baseline window of a plan change reaches 60 days back. */
    static final int RETENTION_DAYS = 61;
    static final int BASELINE_FROM = -60;
    static final int BASELINE_TO = -31;
    static final int PRE_FROM = -30;
    static final int POST_WINDOW_DAYS = 30;
    static final int SPIKE_TRAILING_DAYS = 14;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long CONVERSION_MS = Duration.ofHours(72).toMillis();

    private SupportWindows() {}

    /** The 30-day support figures as of {@code asOf} (epoch ms), {@code today} its epoch day. */
    public static SupportActivity supportActivity(String customerId, NavigableMap<Long, DayActivity> buckets,
                                                  long today, long asOf) {
        SupportActivity s = new SupportActivity();
        s.setCustomerId(customerId);
        double ratingSum = 0;
        int rated = 0;
        long lastClose = 0;
        List<Double> responses = new ArrayList<>();
        for (DayActivity a : buckets.subMap(today - WINDOW_DAYS, false, today, true).values()) {
            s.setConversations30d(s.getConversations30d() + a.conversations);
            s.setBugOrOutageConversations30d(s.getBugOrOutageConversations30d() + a.bugOrOutage);
            s.setEscalationConversations30d(s.getEscalationConversations30d() + a.escalation);
            s.setUpgradeDriverConversations30d(s.getUpgradeDriverConversations30d() + a.upgradeDrivers);
            s.setBotFirstConversations30d(s.getBotFirstConversations30d() + a.botFirst);
            s.setProductUsageEvents30d(s.getProductUsageEvents30d() + a.usage);
            ratingSum += a.ratingSum;
            rated += a.rated;
            lastClose = Math.max(lastClose, a.lastCloseAt);
            responses.addAll(a.firstResponseMinutes);
        }
        s.setAverageRating30d(rated == 0 ? 0.0 : round2(ratingSum / rated));
        s.setMedianFirstResponseMinutes30d(trimmedMedian(responses));
        s.setHoursSinceLastClose(lastClose == 0 ? -1 : (int) ((asOf - lastClose) / HOUR_MS));
        s.setUsageConversion72h(usageConversion(buckets, today, asOf));
        s.setWeeklyRetention(weeklyRetention(buckets, today));
        s.setMonthlyRetention(monthlyRetention(buckets, today));
        latestDay(s, buckets, today);
        return s;
    }

    /** Conversations, Bug/Outage and mean rating over days {@code from..to} (inclusive, epoch days). */
    static int[] counts(NavigableMap<Long, DayActivity> buckets, long from, long to) {
        int conversations = 0;
        int bugOrOutage = 0;
        for (DayActivity a : buckets.subMap(from, true, to, true).values()) {
            conversations += a.conversations;
            bugOrOutage += a.bugOrOutage;
        }
        return new int[] {conversations, bugOrOutage};
    }

    static double averageRating(NavigableMap<Long, DayActivity> buckets, long from, long to) {
        double sum = 0;
        int rated = 0;
        for (DayActivity a : buckets.subMap(from, true, to, true).values()) {
            sum += a.ratingSum;
            rated += a.rated;
        }
        return rated == 0 ? 0.0 : round2(sum / rated);
    }

    /** Takes the baseline and pre-window figures of a change seen on {@code episode.changeDay}. */
    static void measureBeforeChange(PlanChangeEpisode episode, NavigableMap<Long, DayActivity> buckets) {
        long d = episode.changeDay;
        int[] baseline = counts(buckets, d + BASELINE_FROM, d + BASELINE_TO);
        int[] pre = counts(buckets, d + PRE_FROM, d - 1);
        episode.baselineConversations = baseline[0];
        episode.baselineBugOrOutage = baseline[1];
        episode.preConversations = pre[0];
        episode.preBugOrOutage = pre[1];
        episode.preAverageRating = averageRating(buckets, d + PRE_FROM, d - 1);
    }

    /** The window fact of an open episode as of {@code today}, or null before its post window starts. */
    static PlanChangeWindow window(String customerId, PlanChangeEpisode e, NavigableMap<Long, DayActivity> buckets,
                                   long today) {
        int days = (int) (today - e.changeDay);
        if (days < 1 || days > POST_WINDOW_DAYS) {
            return null;
        }
        PlanChangeWindow w = new PlanChangeWindow();
        w.setCustomerId(customerId);
        w.setDirection(e.direction);
        w.setSource(e.source);
        w.setChangedAt(e.changedAt);
        w.setOldPlan(e.oldPlan);
        w.setNewPlan(e.newPlan);
        w.setDaysSinceChange(days);
        w.setDaysObservedBeforeChange(e.daysObservedBefore);
        w.setBaselineConversations(e.baselineConversations);
        w.setBaselineBugOrOutage(e.baselineBugOrOutage);
        w.setPreConversations(e.preConversations);
        w.setPreBugOrOutage(e.preBugOrOutage);
        w.setPreAverageRating(e.preAverageRating);
        int[] post = counts(buckets, e.changeDay + 1, today);
        w.setPostConversations(post[0]);
        w.setPostBugOrOutage(post[1]);
        w.setPostAverageRating(averageRating(buckets, e.changeDay + 1, today));
        return w;
    }

    /** Median of the values within the 1st..99th percentiles (nearest rank); -1 with no values. */
    static double trimmedMedian(List<Double> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double p1 = sorted.get(Math.max(0, (int) Math.ceil(0.01 * n) - 1));
        double p99 = sorted.get(Math.max(0, (int) Math.ceil(0.99 * n) - 1));
        List<Double> kept = new ArrayList<>(n);
        for (double v : sorted) {
            if (v >= p1 && v <= p99) {
                kept.add(v);
            }
        }
        int m = kept.size();
        double median = m % 2 == 1 ? kept.get(m / 2) : (kept.get(m / 2 - 1) + kept.get(m / 2)) / 2;
        return round2(median);
    }

    /**
     * Share of the conversations opened in the 30-day window whose 72 hours have passed by
     * {@code asOf} that were followed by product usage within 72 hours; -1 when there were none.
     */
    static double usageConversion(NavigableMap<Long, DayActivity> buckets, long today, long asOf) {
        int measured = 0;
        int converted = 0;
        for (Map.Entry<Long, DayActivity> day : buckets.subMap(today - WINDOW_DAYS, false, today, true).entrySet()) {
            for (long created : day.getValue().conversationTimes) {
                if (created + CONVERSION_MS > asOf) {
                    continue;
                }
                measured++;
                if (usedWithin72h(buckets, day.getKey(), created)) {
                    converted++;
                }
            }
        }
        return measured == 0 ? -1 : round2(converted / (double) measured);
    }

    /** Usage in (created, created + 72h]: the first and last usage of each day settle it. */
    private static boolean usedWithin72h(NavigableMap<Long, DayActivity> buckets, long day, long created) {
        long deadline = created + CONVERSION_MS;
        for (long d = day; d <= day + 3; d++) {
            DayActivity a = buckets.get(d);
            if (a == null || a.usage == 0) {
                continue;
            }
            if (d == day ? a.lastUsageAt > created : a.firstUsageAt <= deadline) {
                return true;
            }
        }
        return false;
    }

    /** Of the last 8 weeks (7-day blocks ending today), the share of used weeks followed by a used week. */
    static double weeklyRetention(NavigableMap<Long, DayActivity> buckets, long today) {
        int followed = 0;
        int retained = 0;
        for (int week = 6; week >= 0; week--) {
            if (usedBetween(buckets, today - 7L * (week + 1) - 6, today - 7L * (week + 1))) {
                followed++;
                if (usedBetween(buckets, today - 7L * week - 6, today - 7L * week)) {
                    retained++;
                }
            }
        }
        return followed == 0 ? -1 : round2(retained / (double) followed);
    }

    /** 1 when the 30 days before the last 30 had usage and the last 30 too; 0 when only the earlier; -1 else. */
    static double monthlyRetention(NavigableMap<Long, DayActivity> buckets, long today) {
        if (!usedBetween(buckets, today - 2L * WINDOW_DAYS + 1, today - WINDOW_DAYS)) {
            return -1;
        }
        return usedBetween(buckets, today - WINDOW_DAYS + 1, today) ? 1 : 0;
    }

    private static boolean usedBetween(NavigableMap<Long, DayActivity> buckets, long from, long to) {
        for (DayActivity a : buckets.subMap(from, true, to, true).values()) {
            if (a.usage > 0) {
                return true;
            }
        }
        return false;
    }

    /** The latest day with conversations, and the mean and deviation of the 14 days before it. */
    private static void latestDay(SupportActivity s, NavigableMap<Long, DayActivity> buckets, long today) {
        Long latest = null;
        for (Map.Entry<Long, DayActivity> e : buckets.headMap(today, true).descendingMap().entrySet()) {
            if (e.getValue().conversations > 0) {
                latest = e.getKey();
                break;
            }
        }
        if (latest == null || latest <= today - WINDOW_DAYS) {
            return;
        }
        s.setLatestDayConversations(buckets.get(latest).conversations);
        s.setLatestDayDaysAgo((int) (today - latest));
        double sum = 0;
        double sumSquares = 0;
        for (DayActivity a : buckets.subMap(latest - SPIKE_TRAILING_DAYS, true, latest, false).values()) {
            sum += a.conversations;
            sumSquares += (double) a.conversations * a.conversations;
        }
        double mean = sum / SPIKE_TRAILING_DAYS;
        s.setTrailing14dMeanConversations(round2(mean));
        s.setTrailing14dStdDevConversations(round2(Math.sqrt(Math.max(0, sumSquares / SPIKE_TRAILING_DAYS - mean * mean))));
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    static long dayOf(long time) {
        return Math.floorDiv(time, DAY_MS);
    }
}
