package io.pulse.queue;

import io.pulse.actions.ActionSink;
import io.pulse.actions.QueueSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.model.ScorePoint;
import io.pulse.testing.QueueFixtures;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A customer's story read from the queue's tables: changes, the inputs that moved, rule packs, actions. */
class CustomerStoryTest {
    @TempDir
    Path dir;

    private String queueWith(ScorePoint... points) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("queue.sqlite");
        SinkDatabase.of(url).createSchema();
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(100, Duration.ofMinutes(1)), null, attempt -> { })) {
            for (ScorePoint p : points) {
                writer.write(Either.Right(p), null);
            }
            writer.flush(true);
        }
        return url;
    }

    private static ScorePoint point(int day, double score, String band, String value, String risk, String version,
                                    double... inputs) {
        return new ScorePoint("acme.com", QueueFixtures.day(day).toEpochMilli(), score, band, value, risk, 1_000,
                version, inputs.length == 0 ? null : inputs);
    }

    @Test
    void eachBandOrTierChangeNamesWhatChangedAndTheInputsThatMovedMostSinceTheChangeBefore() throws Exception {
        String url = queueWith(
                point(0, 82, "High", "High", "Low", "v1", 30, 20, 10, 5, 5, 7, 5),
                point(3, 81, "High", "High", "Low", "v1", 29, 20, 10, 5, 5, 7, 5),
                point(6, 78, "Medium", "High", "Medium", "v1", 26, 20, 10, 5, 5, 7, 5),
                point(9, 70, "Medium", "Mid", "Medium", "v1", 26, 12, 11, 5, 3, 7, 5.5),
                point(12, 70, "Medium", "Mid", "Medium", "v1", 26, 12, 11, 5, 3, 7, 5.5));
        try (ActionQueue queue = ActionQueue.open(url, 1, Clock.systemUTC())) {
            CustomerStory story = queue.story("acme.com");
            assertThat(story.points()).hasSize(5);
            assertThat(story.latest().at()).isEqualTo("2026-03-14T00:00:00Z");
            assertThat(story.changes()).extracting(CustomerStory.Change::at, CustomerStory.Change::what).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("2026-03-08T00:00:00Z",
                            List.of("health band High -> Medium", "risk tier Low -> Medium")),
                    org.assertj.core.groups.Tuple.tuple("2026-03-11T00:00:00Z", List.of("value tier High -> Mid")));
            assertThat(story.changes().get(0).movedMost()).as("since the first point: recency alone moved")
                    .containsExactly(new CustomerStory.InputMove("recency", 30, 26));
            assertThat(story.changes().get(1).movedMost()).as("since the change before, largest first, 3 of the 4")
                    .extracting(CustomerStory.InputMove::input, CustomerStory.InputMove::delta).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("activities", -8.0),
                            org.assertj.core.groups.Tuple.tuple("total_won", -2.0),
                            org.assertj.core.groups.Tuple.tuple("contacts", 1.0));
            assertThat(story.rulePacks()).isEmpty();
        }
    }

    @Test
    void aRulePackTakesOverAtItsDeploymentOrItsFirstPointAndPointsWithoutInputsNameNone() throws Exception {
        String url = queueWith(
                point(0, 60, "Medium", "High", "High", "v1"),
                point(4, 45, "Low", "High", "High", "v2"),
                point(8, 44, "Low", "High", "High", "v3"));
        try (Connection c = SinkDatabase.of(url).connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO rule_deployments (ruleset_version, deployed_at, status, messages) VALUES"
                    + " ('v3', '2026-03-09T12:00:00Z', 'active', ''), ('v0', '2026-02-01T00:00:00Z', 'replaced', ''),"
                    + " ('bad', '2026-03-05T00:00:00Z', 'rejected', 'rules.drl:3: no such fact')");
        }
        try (ActionQueue queue = ActionQueue.open(url, 1, Clock.systemUTC())) {
            CustomerStory story = queue.story("acme.com");
            assertThat(story.rulePacks()).containsExactly(
                    new CustomerStory.RulePack("2026-03-06T00:00:00Z", "v2", "first evaluation"),
                    new CustomerStory.RulePack("2026-03-09T12:00:00Z", "v3", "deployed"));
            assertThat(story.changes()).singleElement().satisfies(c -> assertThat(c.movedMost()).isEmpty());
        }
    }

    @Test
    void theActionsAreTheCustomersOwnWithWhoDidWhatInTimeOrder() throws Exception {
        String url = queueWith(point(0, 60, "Medium", "High", "High", "v1"));
        QueueFixtures.pipelineWrites(url, QueueFixtures.recommendation("acme.com", "URGENT_RETAIN", 1, 9_000, 1),
                QueueFixtures.recommendation("other.com", "URGENT_RETAIN", 1, 9_000, 1));
        try (ActionQueue queue = ActionQueue.open(url, 1, new QueueFixtures.TestClock(QueueFixtures.day(2)))) {
            long id = queue.story("acme.com").actions().get(0).actionId();
            queue.claim(id, "dana", "calling Monday");
            assertThat(queue.story("acme.com").actions()).extracting(CustomerStory.ActionEvent::action,
                    CustomerStory.ActionEvent::actor, CustomerStory.ActionEvent::from, CustomerStory.ActionEvent::to,
                    CustomerStory.ActionEvent::note).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("URGENT_RETAIN", "pipeline", null, "OPEN", "recommended"),
                    org.assertj.core.groups.Tuple.tuple("URGENT_RETAIN", "dana", "OPEN", "CLAIMED", "calling Monday"));
        }
    }

    @Test
    void aCustomerWithNeitherPointsNorActionsIsNotFound() throws Exception {
        String url = queueWith(point(0, 60, "Medium", "High", "High", "v1"));
        try (ActionQueue queue = ActionQueue.open(url, 1, Clock.systemUTC())) {
            assertThatThrownBy(() -> queue.story("other.com")).isInstanceOf(QueueException.class)
                    .hasMessage("no customer 'other.com' in the queue (no score history and no actions)")
                    .extracting(e -> ((QueueException) e).kind()).isEqualTo(QueueException.Kind.NOT_FOUND);
        }
    }
}
