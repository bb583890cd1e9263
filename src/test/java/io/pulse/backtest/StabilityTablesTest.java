package io.pulse.backtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's stability tables: champion, challenger and their difference, row by row. */
class StabilityTablesTest {
    private static final BacktestWindow MARCH =
            new BacktestWindow(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31), Duration.ofDays(30));

    private static long day(int day) {
        return LocalDate.of(2025, 3, day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static RecommendationLog.Change change(String action, long at, boolean open) {
        return new RecommendationLog.Change("a", action, "VALUE_RISK", "High", "High", "Low", at, open);
    }

    private static Scores score(List<RecommendationLog.Change> log) {
        return new Scorer(MARCH, Map.of(), null).score("rules", "v1", Timeline.of(log), 0);
    }

    @Test
    void theChallengersRowAndTheDifferenceFollowTheChampions() {
        Scores champion = score(List.of(change("URGENT_RETAIN", day(3), true)));
        // The challenger drops the action for ten days: one more opening, one flip-flop.
        Scores challenger = score(List.of(change("URGENT_RETAIN", day(3), true), change("URGENT_RETAIN", day(10), false),
                change("URGENT_RETAIN", day(20), true)));

        StringBuilder h = new StringBuilder();
        StabilityTables.append(h, champion, challenger);

        // One customer over 31 days: an opening is 365 / 31 = 11.77 a year.
        assertThat(h).contains("<tr class=\"champion\"><td>URGENT_RETAIN</td><td>champion</td><td>0.0%</td><td>–</td>"
                + "<td>–</td><td>11.77</td><td>1</td><td>0.0%</td><td>29.0</td><td>1</td><td>0</td><td>0</td></tr>");
        assertThat(h).contains("<tr class=\"challenger\"><td>URGENT_RETAIN</td><td>challenger</td><td>0.0%</td>"
                + "<td>–</td><td>–</td><td>23.55</td><td>2</td><td>0.0%</td><td>9.5</td><td>1</td><td>1</td><td>1</td></tr>");
        assertThat(h).contains("<tr class=\"difference\"><td>URGENT_RETAIN</td><td>difference</td><td>+0.0 pp</td>"
                + "<td>–</td><td>–</td><td>+11.77</td><td>+1</td><td>+0.0 pp</td><td>-19.5</td><td>+0</td><td>+1</td>"
                + "<td>+1</td></tr>");
        assertThat(h).contains("<tr class=\"difference\"><td>VALUE_RISK</td><td>difference</td><td>+11.77</td>");
        assertThat(h).contains("New actions per week (champion, 4 full weeks): median <b>0.0</b>, max <b>1</b>;"
                + " New actions per week (challenger, 4 full weeks)");
    }

    @Test
    void withoutAChallengerOnlyTheChampionsRowsAreShown() {
        StringBuilder h = new StringBuilder();
        StabilityTables.append(h, score(List.of(change("URGENT_RETAIN", day(3), true))), null);
        assertThat(h).contains("<tr class=\"champion\"><td>VALUE_RISK</td>").doesNotContain("challenger", "difference");
    }
}
