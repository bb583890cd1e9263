package io.pulse.backtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scoring definitions on a handful of customers whose fate is known. */
class ScorerTest {
    private static final BacktestWindow WINDOW =
            new BacktestWindow(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31), Duration.ofDays(30));

    private static long day(int month, int day) {
        return LocalDate.of(2025, month, day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private final List<RecommendationLog.Change> log = new ArrayList<>();

    private void open(String customer, String action, String band, long at) {
        log.add(new RecommendationLog.Change(customer, action, "VALUE_RISK", "High", "High", band, at, true));
    }

    private void retire(String customer, String action, long at) {
        log.add(new RecommendationLog.Change(customer, action, "VALUE_RISK", "High", "High", "Low", at, false));
    }

    private static Outcomes.Outcome churned(long at) {
        return new Outcomes.Outcome(at, "churned");
    }

    @Test
    void precisionRecallLiftAndLeadTimeFollowTheirDefinitions() {
        // a: flagged on 3 Mar, churns 13 Mar (hit, 10 days lead). b: flagged, never lost.
        // c: never flagged, downgrades 20 Mar (a miss). d: flagged 25 Feb, still open at the window's
        // start (counts from 1 Mar), churns 21 Mar (hit, 20 days). e: flagged 5 Mar, retired 8 Mar,
        // churns 30 Apr (beyond the 30-day horizon: no hit).
        open("a", "URGENT_RETAIN", "Low", day(3, 3));
        open("b", "URGENT_RETAIN", "Low", day(3, 2));
        open("c", "VIP_NURTURE", "High", day(2, 1));
        open("d", "URGENT_RETAIN", "Low", day(2, 25));
        open("e", "URGENT_RETAIN", "Low", day(3, 5));
        retire("e", "URGENT_RETAIN", day(3, 8));
        open("e", "VIP_NURTURE", "High", day(3, 8));
        Map<String, List<Outcomes.Outcome>> outcomes = Map.of(
                "a", List.of(churned(day(3, 13))),
                "c", List.of(new Outcomes.Outcome(day(3, 20), "downgraded")),
                "d", List.of(churned(day(3, 21))),
                "e", List.of(churned(day(4, 30))));

        Scores s = new Scorer(WINDOW, outcomes, Team.of(2)).score("rules", "v1", Timeline.of(log), 0);

        assertThat(s.customers()).isEqualTo(5);
        // Anchored at their first moment in the window, a, c and d lose within 30 days: 3 of 5.
        assertThat(s.baseRate()).isEqualTo(0.6);
        Scores.SegmentScore urgent = s.actions().stream()
                .filter(a -> a.segment().name().equals("URGENT_RETAIN")).findFirst().orElseThrow();
        assertThat(urgent.flagged()).isEqualTo(4);            // a, b, d, e
        assertThat(urgent.flaggedThenLost()).isEqualTo(2);    // a, d
        assertThat(urgent.precision()).isEqualTo(0.5);
        assertThat(urgent.lift()).isEqualTo(Scorer.round(0.5 / 0.6));
        assertThat(urgent.lostCaught()).isEqualTo(2);          // of a, c, d (lost in the window)
        assertThat(urgent.recall()).isEqualTo(Scorer.round(2 / 3.0));
        assertThat(urgent.leadTimeDays()).isEqualTo(15.0);     // median of 10 and 20
        // c downgraded (not churned) while in the High band: no green-then-churned miss.
        assertThat(s.greenThenChurned()).isZero();
        assertThat(s.negativeOutcomesInWindow()).isEqualTo(3);
    }

    @Test
    void aCustomerWhoChurnedInTheHighBandIsAGreenThenChurnedMiss() {
        open("g", "VIP_NURTURE", "High", day(2, 1));
        Scores s = new Scorer(WINDOW, Map.of("g", List.of(churned(day(3, 15)))), null)
                .score("rules", "v1", Timeline.of(log), 0);
        assertThat(s.greenThenChurned()).isEqualTo(1);
        assertThat(s.healthBands()).singleElement().satisfies(b -> {
            assertThat(b.segment().name()).isEqualTo("High");
            assertThat(b.churnedWhileInSegment()).isEqualTo(1);
        });
    }

    @Test
    void customersWhoChurnedBeforeTheWindowAreNotInThePopulation() {
        open("gone", "URGENT_RETAIN", "Low", day(1, 10));
        open("here", "URGENT_RETAIN", "Low", day(1, 10));
        Scores s = new Scorer(WINDOW, Map.of("gone", List.of(churned(day(2, 1)))), null)
                .score("rules", "v1", Timeline.of(log), 0);
        assertThat(s.customers()).isEqualTo(1);
        assertThat(s.actions()).singleElement().satisfies(a -> assertThat(a.flagged()).isEqualTo(1));
    }

    @Test
    void weeklyWorkloadCountsActionsNewlyOpenedPerWeekAndPerCsm() {
        open("a", "URGENT_RETAIN", "Low", day(3, 3));   // Monday 3 Mar
        open("b", "URGENT_RETAIN", "Low", day(3, 4));
        open("c", "URGENT_RETAIN", "Low", day(2, 20));  // opened before the window: not new work in it
        retire("a", "URGENT_RETAIN", day(3, 11));
        open("a", "URGENT_RETAIN", "Low", day(3, 12));  // re-opened: new again
        Scores s = new Scorer(WINDOW, Map.of(), Team.of(2)).score("rules", "v1", Timeline.of(log), 0);
        assertThat(s.weeklyWorkload()).extracting(Scores.WeekWorkload::week)
                .containsExactly("2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31");
        assertThat(s.weeklyWorkload()).extracting(Scores.WeekWorkload::total).containsExactly(0, 2, 1, 0, 0, 0);
        assertThat(s.weeklyWorkload().get(1).perCsm()).isEqualTo(1.0);
        // At midnight starting 3 Mar: a (opened that instant) and c; b comes a day later.
        assertThat(s.bandDistribution().get(1).customers()).containsExactlyEntriesOf(java.util.Map.of("Low", 2));
    }

    @Test
    void withAWeeklyCapacityWhatAWeekCannotTakeOnIsCarriedToTheNext() {
        for (String c : new String[] {"a", "b", "c"}) {
            open(c, "URGENT_RETAIN", "Low", day(3, 3));    // three in the week of 3 Mar
        }
        open("d", "URGENT_RETAIN", "Low", day(3, 10));     // one the week after
        Scores s = new Scorer(WINDOW, Map.of(), new Team(1, 2)).score("rules", "v1", Timeline.of(log), 0);
        assertThat(s.weeklyWorkload()).extracting(Scores.WeekWorkload::total).containsExactly(0, 3, 1, 0, 0, 0);
        assertThat(s.weeklyWorkload()).extracting(Scores.WeekWorkload::leftUndone)
                .as("1 carried, then 1 + 1 fits in 2").containsExactly(0, 1, 0, 0, 0, 0);
        assertThat(new Scorer(WINDOW, Map.of(), Team.of(2)).score("rules", "v1", Timeline.of(log), 0)
                .weeklyWorkload()).extracting(Scores.WeekWorkload::leftUndone).as("no capacity, nothing said")
                .containsOnlyNulls();
    }
}
