package io.pulse.actions;

import io.pulse.model.Recommendation;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.Actor;
import io.pulse.queue.Outcome;
import io.pulse.testing.QueueFixtures.TestClock;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.QueueFixtures.retired;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's summary over a real SQLite action table written by the pipeline's own upsert: each
 * customer counts once in the band and tier figures, as of its latest evaluation, whatever people
 * did with its rows; the open-action figures follow the queue.
 */
class QueueSummaryTest {
    @TempDir
    Path dir;

    private static Recommendation strategy(String customer, String action, String band, String value, String risk,
                                           int day) {
        Recommendation r = recommendation(customer, action, 1, 1_000, day);
        r.setHealthBand(band);
        r.setValueTier(value);
        r.setRiskTier(risk);
        return r;
    }

    @Test
    void countsEachCustomersLatestEvaluationWhateverPeopleDidWithTheRow() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        pipelineWrites(url,
                strategy("a.com", "URGENT_RETAIN", "Low", "High", "High", 1),
                strategy("b.com", "VIP_NURTURE", "High", "High", "Low", 1));
        // c.com moved from Medium to High: its old strategy is retired, the new one recommended
        Recommendation old = strategy("c.com", "GROW_AND_ENGAGE", "Medium", "Mid", "Medium", 1);
        pipelineWrites(url, old);
        pipelineWrites(url, retired(old, day(4).toEpochMilli()),
                strategy("c.com", "VIP_NURTURE", "High", "High", "Low", 4));
        // a CSM works a.com's action to the end: the pipeline still says a.com is Low, High x High
        try (ActionQueue queue = ActionQueue.open(url, 1, new TestClock(day(2)))) {
            long id = Long.parseLong(rows(url, "SELECT id FROM recommended_actions WHERE customer_id = 'a.com'").get(0));
            queue.done(id, Actor.agent("dana"), Outcome.SAVED, "rescue plan agreed");
        }

        QueueSummary summary = new QueueSummary(db);

        assertThat(summary.customersByHealthBand()).isEqualTo(Map.of("High", 2L, "Low", 1L));
        assertThat(summary.customersByValueAndRisk())
                .isEqualTo(Map.of("High value x High risk", 1L, "High value x Low risk", 2L));
        assertThat(summary.openActionsByType()).as("a.com's action is DONE, c.com's old one retired")
                .isEqualTo(Map.of("VIP_NURTURE", 2L));
        assertThat(summary.top(10)).extracting(QueueSummary.QueueItem::customerId)
                .containsExactlyInAnyOrder("b.com", "c.com");
        assertThat(summary.rowsByStatus()).as("every row, open or not")
                .isEqualTo(Map.of("OPEN", 2L, "DONE", 1L, "SUPERSEDED", 1L));
    }
}
