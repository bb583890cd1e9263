package io.pulse.actions;

import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.model.Recommendation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The action sink's own pieces: how it batches, which database a URL is, and every column it writes. */
class ActionSinkTest {
    @Test
    void aBatchHoldsAtLeastOneRowAndWaitsAtLeastAMillisecond() {
        assertThat(new ActionSink.Batching(1, Duration.ofMillis(1)).executionOptions())
                .extracting(o -> o.getBatchSize(), o -> o.getBatchIntervalMs(), o -> o.getMaxRetries())
                .containsExactly(1, 1L, 5);
        assertThat(ActionSink.Batching.defaults()).isEqualTo(new ActionSink.Batching(2000, Duration.ofMillis(200)));
        assertThatThrownBy(() -> new ActionSink.Batching(0, Duration.ofMillis(200)))
                .hasMessage("a batch holds at least one row, not 0");
        assertThatThrownBy(() -> new ActionSink.Batching(10, Duration.ofNanos(999_999)))
                .hasMessageContaining("the flush interval must be at least 1 ms");
    }

    @Test
    void aUrlSaysWhichDatabaseItIs(@TempDir Path dir) {
        assertThat(SinkDatabase.of("jdbc:sqlite:" + dir.resolve("sink.db")).sqlite()).isTrue();
        assertThat(SinkDatabase.of("jdbc:postgresql://localhost/pulse").sqlite()).isFalse();
    }

    @Test
    void everyColumnOfARecommendationIsWrittenAsGiven(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("sink.db");
        SinkDatabase.of(url).createSchema();
        Recommendation r = recommendation("acme.com", "URGENT_RETAIN", 2, 48_250.5, 3);
        r.setHealthScore(41.25);
        r.setPlaybook("[\"call the sponsor\"]");
        r.setReasons("[\"health score 41.25 below 50\"]");

        pipelineWrites(url, r);

        assertThat(rows(url, "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
                + " predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version, valid_as_of"
                + " FROM recommended_actions")).containsExactly(String.join(" | ", r.getCustomerId(), r.getAction(),
                r.getFamily(), r.getValueTier(), r.getRiskTier(), r.getHealthBand(), "41.25", "48250.5", "2",
                ActionSink.timestamp(r.getDueAt()), r.getPlaybook(), r.getReasons(), r.getRulesetVersion(),
                ActionSink.timestamp(r.getValidAsOf())));
    }
}
