package io.pulse.features;

import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.SupportActivity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SupportWindowsTest {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long TODAY = 20_000;
    /** The evaluation's valid-as-of time: midnight after {@link #TODAY}. */
    private static final long AS_OF = (TODAY + 1) * DAY_MS;

    private final NavigableMap<Long, DayActivity> days = new TreeMap<>();

    private DayActivity day(long epochDay) {
        return days.computeIfAbsent(epochDay, d -> new DayActivity());
    }

    private void conversations(long epochDay, int n, int bugOrOutage) {
        DayActivity a = day(epochDay);
        a.conversations += n;
        a.bugOrOutage += bugOrOutage;
        for (int i = 0; i < n; i++) {
            a.conversationTimes.add(epochDay * DAY_MS + (9 + i) * HOUR_MS);
        }
    }

    private void rated(long epochDay, double rating) {
        DayActivity a = day(epochDay);
        a.ratingSum += rating;
        a.rated++;
    }

    private void usageAt(long time) {
        DayActivity a = day(Math.floorDiv(time, DAY_MS));
        a.usage++;
        a.firstUsageAt = a.firstUsageAt == 0 ? time : Math.min(a.firstUsageAt, time);
        a.lastUsageAt = Math.max(a.lastUsageAt, time);
    }

    @Test
    void thirtyDayCountsCoverTodayAndTheTwentyNineDaysBefore() {
        conversations(TODAY, 2, 1);
        conversations(TODAY - 29, 3, 0);
        conversations(TODAY - 30, 5, 5); // just outside
        SupportActivity s = SupportWindows.supportActivity("acme", days, TODAY, AS_OF);
        assertThat(s.getConversations30d()).isEqualTo(5);
        assertThat(s.getBugOrOutageConversations30d()).isEqualTo(1);
    }

    @Test
    void medianFirstResponseLeavesOutTheOutliersBeyondThePercentiles() {
        // 200 times: 0.1 is below P1 (0.2, the 2nd smallest), the rest splits 97 x 10 and 100 x 20.
        List<Double> minutes = new ArrayList<>(List.of(0.1, 0.2, 0.3));
        for (int i = 0; i < 97; i++) {
            minutes.add(10.0);
        }
        for (int i = 0; i < 100; i++) {
            minutes.add(20.0);
        }
        // Untrimmed, the median would fall between the two groups (15); without 0.1 it is 20.
        assertThat(SupportWindows.trimmedMedian(minutes)).isEqualTo(20.0);
        assertThat(SupportWindows.trimmedMedian(List.of(10.0, 30.0, 20.0))).isEqualTo(20.0);
        assertThat(SupportWindows.trimmedMedian(List.of())).isEqualTo(-1);
    }

    @Test
    void aConversationConvertsWhenUsageFollowsWithin72Hours() {
        long created = (TODAY - 10) * DAY_MS + 10 * HOUR_MS;
        day(TODAY - 10).conversations = 1;
        day(TODAY - 10).conversationTimes.add(created);
        usageAt(created + 71 * HOUR_MS);
        long missed = (TODAY - 20) * DAY_MS + 10 * HOUR_MS;
        day(TODAY - 20).conversations = 1;
        day(TODAY - 20).conversationTimes.add(missed);
        usageAt(missed - HOUR_MS);           // before the conversation: does not count
        usageAt(missed + 73 * HOUR_MS);      // too late
        long tooRecent = TODAY * DAY_MS + HOUR_MS; // its 72 hours have not passed: not measured yet
        day(TODAY).conversations = 1;
        day(TODAY).conversationTimes.add(tooRecent);

        assertThat(SupportWindows.usageConversion(days, TODAY, AS_OF)).isEqualTo(0.5);
        assertThat(SupportWindows.usageConversion(new TreeMap<>(), TODAY, AS_OF)).isEqualTo(-1);
    }

    @Test
    void weeklyRetentionIsTheShareOfUsedWeeksFollowedByAUsedWeek() {
        // Used in the blocks 7, 6, 5 and 3 weeks back (block 0 = the 7 days ending today).
        for (int week : new int[] {7, 6, 5, 3}) {
            usageAt((TODAY - 7L * week) * DAY_MS + HOUR_MS);
        }
        // Blocks followed by another: 7->6 yes, 6->5 yes, 5->4 no, 3->2 no.
        assertThat(SupportWindows.weeklyRetention(days, TODAY)).isEqualTo(0.5);
        assertThat(SupportWindows.monthlyRetention(days, TODAY)).isEqualTo(1.0);
    }

    @Test
    void monthlyRetentionNeedsUsageInThePreviousThirtyDays() {
        usageAt(TODAY * DAY_MS);
        assertThat(SupportWindows.monthlyRetention(days, TODAY)).isEqualTo(-1);
        usageAt((TODAY - 45) * DAY_MS);
        assertThat(SupportWindows.monthlyRetention(days, TODAY)).isEqualTo(1);
        days.remove(TODAY);
        assertThat(SupportWindows.monthlyRetention(days, TODAY)).isEqualTo(0);
    }

    @Test
    void theLatestDayIsComparedWithTheFourteenDaysBeforeIt() {
        for (long d = TODAY - 16; d < TODAY - 2; d++) {
            conversations(d, d % 2 == 0 ? 2 : 0, 0); // mean 1, deviation 1
        }
        conversations(TODAY - 2, 9, 0);
        SupportActivity s = SupportWindows.supportActivity("acme", days, TODAY, AS_OF);
        assertThat(s.getLatestDayConversations()).isEqualTo(9);
        assertThat(s.getLatestDayDaysAgo()).isEqualTo(2);
        assertThat(s.getTrailing14dMeanConversations()).isEqualTo(1.0);
        assertThat(s.getTrailing14dStdDevConversations()).isEqualTo(1.0);
    }

    @Test
    void hoursSinceLastCloseCountsFromTheLatestClose() {
        day(TODAY - 2).lastCloseAt = (TODAY - 2) * DAY_MS + 12 * HOUR_MS;
        day(TODAY - 1).lastCloseAt = (TODAY - 1) * DAY_MS + 22 * HOUR_MS;
        SupportActivity s = SupportWindows.supportActivity("acme", days, TODAY, AS_OF);
        assertThat(s.getHoursSinceLastClose()).isEqualTo(26);
        assertThat(SupportWindows.supportActivity("acme", new TreeMap<>(), TODAY, AS_OF).getHoursSinceLastClose())
                .isEqualTo(-1);
    }

    @Test
    void planChangeWindowsSplitBaselinePreAndPostAroundTheChangeDay() {
        long changeDay = TODAY - 10;
        conversations(changeDay - 45, 4, 0);  // baseline
        conversations(changeDay - 31, 1, 1);  // baseline, last day
        conversations(changeDay - 30, 2, 0);  // pre, first day
        conversations(changeDay - 1, 1, 1);   // pre, last day
        conversations(changeDay, 7, 7);       // the change day itself: in no window
        conversations(changeDay + 1, 6, 3);   // post
        conversations(TODAY, 5, 2);           // post, today
        rated(changeDay - 31, 5.0);           // baseline: not in the pre window's rating
        rated(changeDay - 30, 4.0);           // pre
        rated(changeDay - 1, 2.0);            // pre
        rated(changeDay, 1.0);                // the change day: in no window
        rated(changeDay + 1, 3.0);            // post
        PlanChangeEpisode e = new PlanChangeEpisode();
        e.direction = PlanChangeWindow.UPGRADE;
        e.source = PlanChangeWindow.PLAN_CHANGE;
        e.changeDay = changeDay;
        e.changedAt = changeDay * DAY_MS + 5 * HOUR_MS;
        e.oldPlan = "Growth";
        e.newPlan = "Scale";
        e.daysObservedBefore = 45;
        SupportWindows.measureBeforeChange(e, days);

        PlanChangeWindow w = SupportWindows.window("acme", e, days, TODAY);
        assertThat(w.getCustomerId()).isEqualTo("acme");
        assertThat(w.getDirection()).isEqualTo(PlanChangeWindow.UPGRADE);
        assertThat(w.getSource()).isEqualTo(PlanChangeWindow.PLAN_CHANGE);
        assertThat(w.getChangedAt()).isEqualTo(changeDay * DAY_MS + 5 * HOUR_MS);
        assertThat(w.getOldPlan()).isEqualTo("Growth");
        assertThat(w.getNewPlan()).isEqualTo("Scale");
        assertThat(w.getDaysObservedBeforeChange()).isEqualTo(45);
        assertThat(w.getPreAverageRating()).isEqualTo(3.0);
        assertThat(w.getPostAverageRating()).isEqualTo(3.0);
        assertThat(w.getDaysSinceChange()).isEqualTo(10);
        assertThat(w.getBaselineConversations()).isEqualTo(5);
        assertThat(w.getBaselineBugOrOutage()).isEqualTo(1);
        assertThat(w.getPreConversations()).isEqualTo(3);
        assertThat(w.getPreBugOrOutage()).isEqualTo(1);
        assertThat(w.getPostConversations()).isEqualTo(11);
        assertThat(w.getPostBugOrOutage()).isEqualTo(5);
        assertThat(w.getConversationGrowth()).isCloseTo(11 / 3.0, org.assertj.core.data.Offset.offset(1e-9));

        assertThat(SupportWindows.window("acme", e, days, changeDay)).as("the change day opens no window yet").isNull();
        assertThat(SupportWindows.window("acme", e, days, changeDay + 30)).isNotNull();
        assertThat(SupportWindows.window("acme", e, days, changeDay + 31)).as("the post window is 30 days").isNull();
    }
}
