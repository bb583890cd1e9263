package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.cli.CommandLineErrorsTest.Result;
import io.pulse.model.Recommendation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pulse.cli.CommandLineErrorsTest.pulse;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

/** `pulse queue team`, `assign` and `overflow`, and `next` stopping at a weekly capacity. */
class QueueTeamCommandTest {
    @TempDir
    Path dir;
    private String sink;

    @BeforeEach
    void queueOfThree() throws Exception {
        sink = "jdbc:sqlite:" + Files.createFile(dir.resolve("actions.sqlite"));
        SinkDatabase.of(sink).createSchema();
        Recommendation lees = recommendation("lees.com", "URGENT_RETAIN", 1, 90_000, 1);
        lees.setOwner("lee@cs.example");
        pipelineWrites(sink, lees, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("b.com", "CLOSE_MONITOR", 2, 40_000, 1));
    }

    private Result ok(String... args) {
        Result r = pulse(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    @Test
    void nextStopsAtTheWeeklyCapacityWithAWordAndKeepsWhatItClaimed() {
        ok("queue", "team", "--set", "lee", "--email", "lee@cs.example", "--sink", sink);
        ok("queue", "team", "--set", "dana", "--email", "dana@cs.example", "--name", "Dana Doe", "--capacity", "1",
                "--sink", sink);

        Result next = ok("queue", "next", "--agent", "dana", "--count", "3", "--json", "--sink", sink);
        assertThat(next.out().lines()).hasSize(1).allMatch(l -> l.contains("\"customerId\":\"a.com\""));
        assertThat(next.err()).contains("dana has taken on 1 action this week, their capacity of 1");

        Result full = pulse("queue", "next", "--agent", "dana", "--sink", sink);
        assertThat(full.exit()).isEqualTo(1);
        assertThat(full.err()).startsWith("pulse queue: dana has taken on 1 action this week");

        Result team = ok("queue", "team", "--sink", sink);
        assertThat(team.out()).containsPattern("dana\\s+dana@cs.example\\s+Dana Doe\\s+1\\s+1")
                .containsPattern("lee\\s+lee@cs.example\\s+-\\s+25\\*\\s+0")
                .contains("2 members; * = the team default of 25 a week");
    }

    @Test
    void onlyALeadAssignsAndTheOverflowShowsWhatTheTeamCannotTakeOn() {
        ok("queue", "team", "--set", "lee", "--email", "lee@cs.example", "--capacity", "1", "--sink", sink);
        String id = ok("queue", "list", "--customer", "b.com", "--json", "--sink", sink).out()
                .replaceAll("(?s).*?\"id\"\\s*:\\s*(\\d+).*", "$1");

        Result refused = pulse("queue", "assign", id, "--to", "lee", "--agent", "kim", "--sink", sink);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).isEqualTo("pulse queue: cannot assign action " + id
                + " to lee: only a lead may assign");

        Result overflow = ok("queue", "overflow", "--sink", sink);
        assertThat(overflow.out()).startsWith("3 OPEN, the team can take on 1 more this week: 2 beyond capacity")
                .contains("a.com").contains("b.com").doesNotContain("lees.com");

        Result assigned = ok("queue", "assign", id, "--to", "lee", "--agent", "kim", "--as-lead", "--sink", sink);
        assertThat(assigned.out()).contains("CLOSE_MONITOR b.com is CLAIMED (lee)");
        Result show = ok("queue", "show", id, "--sink", sink);
        assertThat(show.out()).contains("kim").contains("\"assigned to lee\"");
    }

    @Test
    void memberOptionsWithoutSetAreRefused() {
        Result r = pulse("queue", "team", "--capacity", "3", "--sink", sink);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("pulse queue: --email, --name and --capacity change a member: say which with --set");
    }
}
