package io.pulse.backtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The stability definitions on hand-built recommendation timelines. */
class StabilityScorerTest {
    /** 365 days: exactly one year. */
    private static final BacktestWindow YEAR =
            new BacktestWindow(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31), Duration.ofDays(90));

    private final List<RecommendationLog.Change> log = new ArrayList<>();

    private static long day(int year, int month, int day) {
        return LocalDate.of(year, month, day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static long day(int month, int day) {
        return day(2025, month, day);
    }

    private void open(String customer, String action, String family, long at) {
        log.add(new RecommendationLog.Change(customer, action, family, "High", "High", "Low", at, true));
    }

    private void retire(String customer, String action, String family, long at) {
        log.add(new RecommendationLog.Change(customer, action, family, "High", "High", "Low", at, false));
    }

    /** The evaluation at {@code at} retires {@code from} and opens {@code to} (a strategy change). */
    private void change(String customer, String from, String to, long at) {
        retire(customer, from, "VALUE_RISK", at);
        open(customer, to, "VALUE_RISK", at);
    }

    private Scores.StabilityScores score(BacktestWindow window) {
        return new StabilityScorer(window).score(Timeline.of(log), List.of());
    }

    @Test
    void openingsPerCustomerPerYearAndTheShareOpenedThreeTimesOrMore() {
        // a: URGENT_RETAIN opened three times in the year, CLOSE_MONITOR twice in between.
        open("a", "URGENT_RETAIN", "VALUE_RISK", day(1, 10));
        change("a", "URGENT_RETAIN", "CLOSE_MONITOR", day(2, 1));
        change("a", "CLOSE_MONITOR", "URGENT_RETAIN", day(5, 1));
        change("a", "URGENT_RETAIN", "CLOSE_MONITOR", day(6, 1));
        change("a", "CLOSE_MONITOR", "URGENT_RETAIN", day(10, 1));
        // b: opened before the window and never changed: no opening in it.
        open("b", "STANDARD_CARE", "VALUE_RISK", day(2024, 12, 20));
        // c: opened once.
        open("c", "STANDARD_CARE", "VALUE_RISK", day(3, 1));

        Scores.StabilityScores s = score(YEAR);

        assertThat(s.windowYears()).isEqualTo(1.0);
        Scores.StabilityScore valueRisk = s.family("VALUE_RISK");
        assertThat(valueRisk.openings()).isEqualTo(6);                    // a 5, c 1
        assertThat(valueRisk.openingsPerCustomerYear()).isEqualTo(2.0);   // 6 / 3 customers / 1 year
        assertThat(valueRisk.customersOpened()).isEqualTo(2);
        assertThat(valueRisk.maxOpeningsPerCustomer()).isEqualTo(5);
        assertThat(valueRisk.openedThreeTimes()).isEqualTo(1);
        assertThat(valueRisk.shareOpenedThreeTimes()).isEqualTo(Scorer.round(1 / 3.0));
        Scores.StabilityScore urgent = s.action("URGENT_RETAIN");
        assertThat(urgent.openings()).isEqualTo(3);
        assertThat(urgent.openingsPerCustomerYear()).isEqualTo(1.0);
        assertThat(urgent.openedThreeTimes()).isEqualTo(1);
        assertThat(s.action("CLOSE_MONITOR").openings()).isEqualTo(2);
        assertThat(s.action("CLOSE_MONITOR").openedThreeTimes()).isZero();
        assertThat(s.action("STANDARD_CARE").openings()).isEqualTo(1);
    }

    @Test
    void openingsAreNormalisedByTheWindowsLengthInYears() {
        // 73 days = a fifth of a year: two openings of one customer are ten a year.
        BacktestWindow fifth = new BacktestWindow(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 3, 14), Duration.ofDays(90));
        open("a", "RED_ALERT", "ALERT", day(1, 5));
        retire("a", "RED_ALERT", "ALERT", day(1, 20));
        open("a", "RED_ALERT", "ALERT", day(3, 14));

        Scores.StabilityScores s = score(fifth);

        assertThat(s.windowYears()).isEqualTo(0.2);
        assertThat(s.action("RED_ALERT").openings()).isEqualTo(2);
        assertThat(s.action("RED_ALERT").openingsPerCustomerYear()).isEqualTo(10.0);
        assertThat(s.family("ALERT").openingsPerCustomerYear()).isEqualTo(10.0);
    }

    @Test
    void daysOpenRunFromOpeningToRetirementAndAreCensoredAtTheWindowsEnd() {
        open("a", "URGENT_RETAIN", "VALUE_RISK", day(1, 10));
        change("a", "URGENT_RETAIN", "CLOSE_MONITOR", day(2, 1));      // 22 days
        change("a", "CLOSE_MONITOR", "URGENT_RETAIN", day(5, 1));      // CLOSE_MONITOR: 89 days
        change("a", "URGENT_RETAIN", "CLOSE_MONITOR", day(6, 1));      // 31 days
        change("a", "CLOSE_MONITOR", "URGENT_RETAIN", day(12, 1));     // CLOSE_MONITOR: 183 days
        // Still open at the window's end (midnight after 31 Dec): counted to the end, 31 days.
        // b: retired only after the window: the log beyond the end is not seen, 2 days, censored.
        open("b", "URGENT_RETAIN", "VALUE_RISK", day(12, 30));
        retire("b", "URGENT_RETAIN", "VALUE_RISK", day(2026, 1, 15));
        // c: open since before the window: no opening, no days counted.
        open("c", "URGENT_RETAIN", "VALUE_RISK", day(2024, 11, 1));

        Scores.StabilityScores s = score(YEAR);

        Scores.StabilityScore urgent = s.action("URGENT_RETAIN");
        assertThat(urgent.openings()).isEqualTo(4);                // 22, 31, 31 (censored), 2 (censored)
        assertThat(urgent.medianDaysOpen()).isEqualTo(26.5);
        assertThat(urgent.stillOpenAtEnd()).isEqualTo(2);
        assertThat(s.action("CLOSE_MONITOR").medianDaysOpen()).isEqualTo(136.0);  // 89 and 183 days
        assertThat(s.action("CLOSE_MONITOR").stillOpenAtEnd()).isZero();
    }

    @Test
    void aReturnWithinSixtyDaysIsAFlipFlopAndOneDayLaterIsNot() {
        // x: leaves URGENT_RETAIN on 1 Feb and is back exactly 60 days later (2 Apr).
        open("x", "URGENT_RETAIN", "VALUE_RISK", day(1, 10));
        change("x", "URGENT_RETAIN", "CLOSE_MONITOR", day(2, 1));
        change("x", "CLOSE_MONITOR", "URGENT_RETAIN", day(4, 2));
        // y: the same, back 61 days later (3 Apr).
        open("y", "URGENT_RETAIN", "VALUE_RISK", day(1, 10));
        change("y", "URGENT_RETAIN", "CLOSE_MONITOR", day(2, 1));
        change("y", "CLOSE_MONITOR", "URGENT_RETAIN", day(4, 3));

        Scores.StabilityScores s = score(YEAR);

        assertThat(s.family("VALUE_RISK").flipFlops()).isEqualTo(1);
        assertThat(s.family("VALUE_RISK").customersWithFlipFlops()).isEqualTo(1);
        assertThat(s.action("URGENT_RETAIN").flipFlops()).isEqualTo(1);
        assertThat(s.action("CLOSE_MONITOR").flipFlops()).isZero();
    }

    @Test
    void aFamilyFlipFlopIsAToBToAWhileAnActionsIsAnyReturnWithinSixtyDays() {
        // z: A -> B -> C -> A in 30 days: the action re-opens within 60 days, the family never goes A -> B -> A.
        open("z", "URGENT_RETAIN", "VALUE_RISK", day(3, 1));
        change("z", "URGENT_RETAIN", "CLOSE_MONITOR", day(3, 10));
        change("z", "CLOSE_MONITOR", "STANDARD_CARE", day(3, 20));
        change("z", "STANDARD_CARE", "URGENT_RETAIN", day(3, 30));
        // w: an alert raised, dropped, raised again 10 days later: both flip-flop ({RED_ALERT} -> {} -> {RED_ALERT});
        // raised and dropped once ({} -> {RED_ALERT} -> {}) is not a return to an action.
        open("w", "STANDARD_CARE", "VALUE_RISK", day(1, 2));
        open("w", "RED_ALERT", "ALERT", day(3, 1));
        retire("w", "RED_ALERT", "ALERT", day(3, 10));
        open("w", "RED_ALERT", "ALERT", day(3, 20));
        // v: the return comes before the window: not counted.
        open("v", "RED_ALERT", "ALERT", day(2024, 11, 1));
        retire("v", "RED_ALERT", "ALERT", day(2024, 11, 10));
        open("v", "RED_ALERT", "ALERT", day(2024, 11, 20));

        Scores.StabilityScores s = score(YEAR);

        assertThat(s.action("URGENT_RETAIN").flipFlops()).isEqualTo(1);
        assertThat(s.family("VALUE_RISK").flipFlops()).isZero();
        assertThat(s.action("RED_ALERT").flipFlops()).isEqualTo(1);
        assertThat(s.family("ALERT").flipFlops()).isEqualTo(1);
        assertThat(s.family("ALERT").customersWithFlipFlops()).isEqualTo(1);
    }

    @Test
    void theWeeklyNewActionsAreTheMedianAndMaxOfTheWeeksWhollyInsideTheWindow() {
        BacktestWindow march = new BacktestWindow(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31), Duration.ofDays(30));
        // 24 Feb and 31 Mar are partial weeks (Monday start): left out, however busy.
        List<Scores.WeekWorkload> weeks = new ArrayList<>();
        int[] totals = {100, 1, 5, 3, 9, 50};
        String[] mondays = {"2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31"};
        for (int i = 0; i < totals.length; i++) {
            weeks.add(new Scores.WeekWorkload(mondays[i], new TreeMap<>(), totals[i], null, null));
        }
        Scores.WeeklyNewActions w = new StabilityScorer(march).score(Map.of(), weeks).weeklyNewActions();
        assertThat(w.weeks()).isEqualTo(4);
        assertThat(w.median()).isEqualTo(4.0);
        assertThat(w.max()).isEqualTo(9);
    }

    @Test
    void theScorerCarriesTheStabilityOfItsPopulation() {
        open("a", "URGENT_RETAIN", "VALUE_RISK", day(3, 3));
        change("a", "URGENT_RETAIN", "CLOSE_MONITOR", day(3, 10));
        open("gone", "URGENT_RETAIN", "VALUE_RISK", day(1, 10));   // churned before the window: not in it
        BacktestWindow march = new BacktestWindow(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31), Duration.ofDays(30));
        Scores s = new Scorer(march, Map.of("gone", List.of(new Outcomes.Outcome(day(2, 1), Outcomes.CHURNED))), null)
                .score("rules", "v1", Timeline.of(log), 0);
        assertThat(s.stability().family("VALUE_RISK").openings()).isEqualTo(2);
        assertThat(s.stability().family("VALUE_RISK").openingsPerCustomerYear()).isEqualTo(Scorer.round(2 / (31 / 365.0)));
        assertThat(s.stability().weeklyNewActions().weeks()).isEqualTo(4);
        assertThat(s.stability().weeklyNewActions().max()).isEqualTo(1);
    }
}
