package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.cli.CommandLineErrorsTest.Result;
import io.pulse.model.Recommendation;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pulse.cli.CommandLineErrorsTest.pulse;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** `pulse queue` on a colleague's claimed action: exit 1 with the queue's message; --as-lead may. */
class QueueOwnershipCommandTest {
    @TempDir
    Path dir;

    @Test
    void aColleagueExits1AndALeadMayFinishIt() throws Exception {
        String sink = "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
        SinkDatabase.of(sink).createSchema();
        Recommendation acme = recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1);
        acme.setDueAt(java.time.Instant.now().plus(java.time.Duration.ofDays(7)).toEpochMilli()); // the CLI's clock is the wall clock
        pipelineWrites(sink, acme);
        Result claimed = pulse("queue", "next", "--agent", "dana", "--json", "--sink", sink);
        assertThat(claimed.exit()).as(claimed.err()).isZero();
        String id = claimed.out().replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1");

        String refused = "pulse queue: cannot %s action " + id + ": it is claimed by dana, and only dana or a lead may";
        assertRefused(refused.formatted("mark done"), "done", id, "--agent", "lee", "--outcome", "saved", "--sink", sink);
        assertRefused(refused.formatted("release"), "release", id, "--agent", "lee", "--sink", sink);
        assertRefused(refused.formatted("snooze"), "snooze", id, "--agent", "lee", "--until", "P3D", "--sink", sink);
        assertRefused(refused.formatted("dismiss"), "dismiss", id, "--agent", "lee", "--sink", sink);

        Result done = pulse("queue", "done", id, "--agent", "kim", "--as-lead", "--outcome", "saved", "--sink", sink);
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).contains("is DONE (dana)");
        try (ActionQueue queue = ActionQueue.open(sink)) {
            assertThat(queue.show(Long.parseLong(id)).history()).extracting(Transition::actor, Transition::to)
                    .containsExactly(tuple("pipeline", "OPEN"), tuple("dana", "CLAIMED"), tuple("kim", "DONE"));
        }
    }

    private static void assertRefused(String message, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "queue";
        System.arraycopy(args, 0, command, 1, args.length);
        Result r = pulse(command);
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(message);
    }
}
