package io.pulse.backtest;

import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.pack.RuleSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldCoverageTest {
    private static final BacktestWindow WINDOW =
            new BacktestWindow(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 4, 30), Duration.ofDays(90));

    /** A challenger rule reading churnProbability: the pack's own files do not name it. */
    private static final String READS_CHURN_PROBABILITY = "package pulse.rules;\n"
            + "import io.pulse.rules.facts.CustomerProfile;\n"
            + "rule \"Likely churners\" when CustomerProfile( churnProbability > 0.5 ) then end\n";

    @TempDir
    static Path dir;
    static String history;
    static String lastNullDay;

    @BeforeAll
    static void historyWhoseChurnProbabilityStartsLate() throws Exception {
        Path file = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(30, 120, 3, LocalDate.of(2025, 1, 1), file)).generate();
        history = "jdbc:sqlite:" + file;
        try (Connection c = DriverManager.getConnection(history); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE customer360__customer_value_analysis SET churn_probability = NULL"
                    + " WHERE analysis_timestamp < '2025-03-10'");
            try (ResultSet rs = s.executeQuery("SELECT date(max(analysis_timestamp))"
                    + " FROM customer360__customer_value_analysis WHERE churn_probability IS NULL")) {
                rs.next();
                lastNullDay = rs.getString(1);
            }
        }
    }

    @Test
    void aFieldMissingFromEarlyRowsLimitsScoringToTheDaysAfterTheLastGap() throws Exception {
        List<FieldCoverage.Gap> gaps = FieldCoverage.gaps(RuleSet.of(Map.of("churners.drl", READS_CHURN_PROBABILITY)), history,
                WINDOW);
        assertThat(gaps).singleElement().satisfies(g -> {
            assertThat(g.field()).isEqualTo("churnProbability");
            assertThat(g.column()).isEqualTo("churn_probability");
            assertThat(g.rowsWithout()).isPositive().isLessThan(g.rows());
            assertThat(g.lastMissing()).isEqualTo(lastNullDay);
            assertThat(g.describe()).contains("CustomerProfile.churnProbability", lastNullDay);
        });
        BacktestWindow evaluated = FieldCoverage.evaluatedPart(WINDOW, gaps);
        assertThat(evaluated.from()).isEqualTo(LocalDate.parse(lastNullDay).plusDays(1));
        assertThat(evaluated.to()).isEqualTo(WINDOW.to());
    }

    @Test
    void theDefaultPackDoesNotReadTheFieldAndIsScoredOnTheWholeWindow() throws Exception {
        List<FieldCoverage.Gap> gaps = FieldCoverage.gaps(RuleSet.load(Path.of("rules")), history, WINDOW);
        assertThat(gaps).isEmpty();
        assertThat(FieldCoverage.evaluatedPart(WINDOW, gaps)).isEqualTo(WINDOW);
    }

    @Test
    void aFieldNamedOnlyInACommentOrAStringIsNotRead() {
        RuleSet rules = RuleSet.of(Map.of("a.drl", "// zendeskActive\n/* zendeskActive */ rule \"zendeskActive\" when then end"));
        assertThat(FieldCoverage.read(rules)).isEmpty();
        assertThat(FieldCoverage.read(RuleSet.of(Map.of("z.drl", READS_CHURN_PROBABILITY))))
                .extracting(FieldCoverage.Source::field).containsExactly("churnProbability");
    }

    @Test
    void aFieldMissingUpToTheWindowsEndLeavesNothingToScore() {
        FieldCoverage.Gap always = new FieldCoverage.Gap("CustomerProfile", "zendeskActive",
                "customer360__customer_activity_metrics", "zendesk_active", 10, 10, "2025-04-30", "2025-05-01");
        assertThatThrownBy(() -> FieldCoverage.evaluatedPart(WINDOW, List.of(always)))
                .hasMessageContaining("nothing to score").hasMessageContaining("zendeskActive");
    }
}
