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

    @Test
    void aDeclaredFeatureOverATableThatStartsLateIsScoredOnlyOnceItsWindowIsWhole() throws Exception {
        try (Connection c = DriverManager.getConnection(history); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS late_surveys (survey_id TEXT, company_id TEXT, answered_at TEXT,"
                    + " score DOUBLE PRECISION)");
            s.execute("DELETE FROM late_surveys");
            s.execute("INSERT INTO late_surveys VALUES ('s1', 'x', '2025-03-01 10:00:00', 9),"
                    + " ('s2', 'x', '2025-03-20 10:00:00', 3), ('s3', 'x', '2025-06-01 10:00:00', 7)");
        }
        String features = """
                tables:
                  - name: NPS_SURVEY
                    table: late_surveys
                    id: survey_id
                    time: answered_at
                    customer: { company_id: company_id }
                    columns: { score: number }
                features:
                  - name: averageNps30d
                    average: NPS_SURVEY.score
                    window_days: 30
                  - name: surveysEver
                    count: NPS_SURVEY
                    window_days: 90
                """;
        String readsAverage = "package pulse.rules;\nrule \"Detractor\" when Features( averageNps30d < 7 ) then end\n";
        List<FieldCoverage.Gap> gaps = FieldCoverage.gaps(RuleSet.of(Map.of("features.yaml", features,
                "detractor.drl", readsAverage)), history, WINDOW);
        assertThat(gaps).as("only the feature the rules read").singleElement().satisfies(g -> {
            assertThat(g.fact() + "." + g.field()).isEqualTo("Features.averageNps30d");
            assertThat(g.rows()).isEqualTo(2);
            assertThat(g.evaluatedFrom()).isEqualTo("2025-03-31");
            assertThat(g.describe()).isEqualTo("Features.averageNps30d reads late_surveys, whose rows start on"
                    + " 2025-03-01: its 30-day window is whole from 2025-03-31; scored from 2025-03-31");
        });
        assertThat(FieldCoverage.evaluatedPart(WINDOW, gaps).from()).isEqualTo(LocalDate.of(2025, 3, 31));

        BacktestWindow before = new BacktestWindow(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 2, 20),
                Duration.ofDays(90));
        List<FieldCoverage.Gap> none = FieldCoverage.gaps(RuleSet.of(Map.of("features.yaml", features,
                "detractor.drl", readsAverage)), history, before);
        assertThat(none).singleElement().satisfies(g -> assertThat(g.describe())
                .isEqualTo("Features.averageNps30d reads late_surveys, which has no row before 2025-02-21"));
        assertThatThrownBy(() -> FieldCoverage.evaluatedPart(before, none)).hasMessageContaining("nothing to score");
    }
}
