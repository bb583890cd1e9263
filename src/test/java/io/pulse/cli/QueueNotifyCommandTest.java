package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.cli.CommandLineErrorsTest.Result;
import io.pulse.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static io.pulse.cli.CommandLineErrorsTest.pulse;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

/** `pulse queue notify`: a target set, a round delivered to a real local receiver, the secret URL not shown. */
class QueueNotifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void aTargetGetsTheNewPriorityOneActionsAndItsUrlIsNotShown() throws Exception {
        String sink = "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
        SinkDatabase.of(sink).createSchema();
        try (WebhookReceiver receiver = new WebhookReceiver(0, Set.of(), 0)) {
            Result set = pulse("queue", "notify", "--set-target", "cs-slack", "--url", receiver.url() + "/T000/SECRET",
                    "--format", "slack", "--kinds", "new_p1", "--sink", sink);
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(set.out()).contains("cs-slack").contains("new_p1").doesNotContain("SECRET")
                    .contains("1 target; notifications: {PENDING=0, DELIVERED=0, PARKED=0}");

            pipelineWrites(sink, recommendation("acme.com", "URGENT_RETAIN", 1, 90_000, 1),
                    recommendation("beta.io", "CLOSE_MONITOR", 3, 1_000, 1));
            Result round = pulse("queue", "notify", "--once", "--sink", sink);
            assertThat(round.exit()).as(round.err()).isZero();
            assertThat(round.err()).contains("1 new notification; 1 delivered, 0 to retry, 0 parked");
            assertThat(receiver.received).singleElement().satisfies(r -> assertThat(r.body())
                    .startsWith("{\"text\":\":rotating_light: New priority-1 action URGENT_RETAIN for acme.com"));
        }

        Result bad = pulse("queue", "notify", "--set-target", "x", "--url", "ftp://example.com/", "--kinds", "new_p1",
                "--sink", sink);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("pulse queue: target x: 'ftp://example.com/' is not an http(s) URL");
        Result kind = pulse("queue", "notify", "--set-target", "x", "--url", "https://example.com/", "--kinds", "won",
                "--sink", sink);
        assertThat(kind.err().strip()).isEqualTo(
                "pulse queue: unknown notification kind 'won' (one of new_p1, escalated, assigned)");
    }
}
