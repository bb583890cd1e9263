package io.pulse.backtest;

import io.pulse.model.Recommendation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

class RecommendationLogTest {
    private static void append(String url, Recommendation... changes) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(RecommendationLog.INSERT)) {
            for (Recommendation r : changes) {
                RecommendationLog.bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Test
    void aRetiredChangeCopiesTheContentOfThePairsPreviousRow(@TempDir Path dir) throws Exception {
        String url = RecommendationLog.url(dir.resolve("log.sqlite"));
        RecommendationLog.create(url);
        Recommendation first = recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1);
        first.setReasons("[\"first\"]");
        Recommendation changed = recommendation("a.com", "URGENT_RETAIN", 2, 64_000, 2);
        changed.setReasons("[\"changed\"]");
        changed.setPlaybook("[\"call\"]");
        Recommendation other = recommendation("a.com", "VIP_NURTURE", 3, 1_000, 2);
        other.setReasons("[\"other\"]");
        Recommendation retired = Recommendation.retired("a.com", "URGENT_RETAIN", "pack-2", day(3).toEpochMilli());
        append(url, first, changed, other, retired);
        append(url, retired); // a re-delivery after a restart

        String columns = "family, value_tier, risk_tier, health_band, health_score, predicted_6m_revenue, priority,"
                + " due_at, playbook, reasons";
        assertThat(rows(url, "SELECT " + columns + " FROM recommendation_log WHERE status = 'SUPERSEDED'"))
                .as("the content of the row it retires: the latest of its pair")
                .containsExactlyElementsOf(rows(url, "SELECT " + columns + " FROM recommendation_log"
                        + " WHERE action = 'URGENT_RETAIN' AND valid_as_of = '2026-03-04T00:00:00Z'"));
        assertThat(rows(url, "SELECT action, reasons, ruleset_version, valid_as_of, status FROM recommendation_log"
                + " ORDER BY seq")).containsExactly(
                "URGENT_RETAIN | [\"first\"] | v1 | 2026-03-03T00:00:00Z | OPEN",
                "URGENT_RETAIN | [\"changed\"] | v1 | 2026-03-04T00:00:00Z | OPEN",
                "VIP_NURTURE | [\"other\"] | v1 | 2026-03-04T00:00:00Z | OPEN",
                "URGENT_RETAIN | [\"changed\"] | pack-2 | 2026-03-05T00:00:00Z | SUPERSEDED");
        assertThat(RecommendationLog.read(url)).filteredOn(change -> !change.open()).singleElement()
                .satisfies(change -> assertThat(change.family()).isEqualTo(changed.getFamily()));
    }
}
