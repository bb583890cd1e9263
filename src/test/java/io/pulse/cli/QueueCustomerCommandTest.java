package io.pulse.cli;

import io.pulse.actions.ActionSink;
import io.pulse.actions.QueueSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.cli.CommandLineErrorsTest.Result;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import io.pulse.testing.QueueFixtures;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.pulse.cli.CommandLineErrorsTest.pulse;
import static org.assertj.core.api.Assertions.assertThat;

/** `pulse queue customer ID`: a customer's story as text, JSON and a chart, from what the job wrote. */
class QueueCustomerCommandTest {
    @TempDir
    Path dir;

    @Test
    void theStoryNamesTheBandChangeTheInputsThatMovedItTheRulePacksAndWhoDidWhat() throws Exception {
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase.of(sink).createSchema();
        Recommendation retain = QueueFixtures.recommendation("acme.com", "URGENT_RETAIN", 1, 90_000, 12);
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(sink).url(),
                new ActionSink.Batching(100, Duration.ofMinutes(1)), null)) {
            writer.write(Either.Right(point(0, 84.0, "High", "v1", 30, 12)), null);
            writer.write(Either.Right(point(5, 81.0, "High", "v1", 27, 12)), null);
            writer.write(Either.Right(point(12, 71.5, "Medium", "v2", 25, 4.5)), null);
            writer.write(Either.Left(retain), null);
            writer.flush(true);
        }
        assertThat(pulse("queue", "claim", String.valueOf(1), "--agent", "dana", "--note", "calling", "--sink", sink)
                .exit()).isZero();
        Path chart = dir.resolve("acme.svg");

        Result story = pulse("queue", "customer", "acme.com", "--chart", chart.toString(), "--sink", sink);

        assertThat(story.exit()).as(story.err()).isZero();
        assertThat(story.out())
                .contains("Now (as of 2026-03-14): health Medium 71.5, High value / High risk")
                .contains("Health score 2026-03-02 .. 2026-03-14: 3 changes, from 84.0 to 71.5 (lowest 71.5, highest 84.0);"
                        + " bands High >= 80, Medium >= 50")
                .containsPattern("2026-03-14  health band High -> Medium\\s+score  71.5  moved most: activities -7.5,"
                        + " recency -5.0")
                .contains("2026-03-14  v2 (first evaluation)")
                .containsPattern("#1\\s+URGENT_RETAIN\\s+OPEN\\s+by pipeline: recommended")
                .containsPattern("#1\\s+URGENT_RETAIN\\s+OPEN -> CLAIMED\\s+by dana: calling");
        assertThat(Files.readString(chart)).startsWith("<svg").contains("Health score: acme.com", "High &gt;= 80",
                "rules v2");

        Result json = pulse("queue", "customer", "acme.com", "--json", "--sink", sink);
        assertThat(json.out()).contains("\"bands\"", "\"highMin\" : 80.0", "\"movedMost\"");
    }

    @Test
    void anUnknownCustomerIsAnErrorThatSaysSo() throws Exception {
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase.of(sink).createSchema();
        Result none = pulse("queue", "customer", "nobody.com", "--sink", sink);
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("pulse queue: no customer 'nobody.com' in the queue (no score history and no"
                + " actions)\n");
    }

    private static ScorePoint point(int day, double score, String band, String version, double recency,
                                    double activities) {
        double[] inputs = {recency, activities, 20, 5, 5, 7, score - recency - activities - 37};
        return new ScorePoint("acme.com", QueueFixtures.day(day).toEpochMilli(), score, band, "High", "High", 90_000,
                version, inputs);
    }
}
