package io.pulse.actions;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.model.DeadLetter;
import io.pulse.model.RuleDeployment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters and rule deployments as the job's sinks write them (their statements and binders,
 * on a real SQLite file), and as `pulse deadletters` reads them back: newest first, by reason in
 * any case, ids that do not exist, and how a selection stands before a replay.
 */
class DeadLettersTest {
    private static final long T = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    private SinkDatabase db;

    @BeforeEach
    void sink() throws Exception {
        db = SinkDatabase.of("jdbc:sqlite:" + dir.resolve("sink.db"));
        db.createSchema();
        write(new DeadLetter("/in/events.jsonl:3", "Malformed JSON: unexpected end", "{\"type\":", T),
                new DeadLetter("kafka:events-0@17", "unknown type 'usage_spike'", "{\"type\":\"usage_spike\"}", T),
                new DeadLetter("usage:42", "negative amount", null, Long.MIN_VALUE),
                new DeadLetter("rules:abc:Red alert", "rule \"Red alert\" failed: 100% of nothing", "{}", T));
    }

    private void write(DeadLetter... letters) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(ActionSink.INSERT_DEAD_LETTER)) {
            for (DeadLetter d : letters) {
                ActionSink.bindDeadLetter(ps, d);
                ps.executeUpdate();
            }
        }
    }

    @Test
    void theSinkKeepsTheRawInputAndAnUnknownEventTimeAsNothing() throws Exception {
        assertThat(rows(db.url(), "SELECT source, raw, event_time FROM dead_letters ORDER BY id")).containsExactly(
                "/in/events.jsonl:3 | {\"type\": | 2026-03-02T09:00:00Z",
                "kafka:events-0@17 | {\"type\":\"usage_spike\"} | 2026-03-02T09:00:00Z",
                "usage:42 | null | null",
                "rules:abc:Red alert | {} | 2026-03-02T09:00:00Z");
        write(new DeadLetter("usage:42", "negative amount", "again", T));
        assertThat(rows(db.url(), "SELECT count(*) FROM dead_letters")).as("the same source and reason: once")
                .containsExactly("4");
    }

    @Test
    void theNewestComeFirstAndAReasonMatchesInAnyCase() throws Exception {
        assertThat(DeadLetters.list(db, null, 10)).extracting(DeadLetters.Row::source).containsExactly(
                "rules:abc:Red alert", "usage:42", "kafka:events-0@17", "/in/events.jsonl:3");
        assertThat(DeadLetters.list(db, null, 2)).hasSize(2);
        assertThat(DeadLetters.list(db, "MALFORMED json", 10)).extracting(DeadLetters.Row::source)
                .containsExactly("/in/events.jsonl:3");
        assertThat(DeadLetters.list(db, "100%", 10)).as("% is a character, not a wildcard")
                .extracting(DeadLetters.Row::source).containsExactly("rules:abc:Red alert");
    }

    @Test
    void idsThatNoDeadLetterHasAreNamed() throws Exception {
        assertThat(DeadLetters.missing(db, List.of(4L, 99L, 1L, 99L))).containsExactly(99L);
        assertThat(DeadLetters.missing(db, List.of())).isEmpty();
    }

    @Test
    void aSelectionCountsWhatAReplayCouldSendAgain() throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE dead_letters SET replayed_at = '2026-03-03T00:00:00Z' WHERE source LIKE '/in/%'")) {
            ps.executeUpdate();
        }
        DeadLetters.Census all = DeadLetters.census(db, new DeadLetters.Selection(true, null, null, null));
        assertThat(all).isEqualTo(new DeadLetters.Census(4, 1, 1, 1));
        assertThat(all.replayable()).as("the Kafka record: the file line went already").isEqualTo(1);
        assertThat(DeadLetters.census(db, new DeadLetters.Selection(false, null, "KAFKA", null)).replayable())
                .isEqualTo(1);
        assertThat(new DeadLetters.Selection(false, " ", "", List.of()).none()).isTrue();
        assertThat(new DeadLetters.Selection(true, null, null, null).none()).isFalse();
        assertThat(new DeadLetters.Selection(false, "json", null, null).none()).isFalse();
        assertThat(new DeadLetters.Selection(false, null, "kafka", null).none()).isFalse();
        assertThat(new DeadLetters.Selection(false, null, null, List.of(3L, 1L, 3L)).ids()).containsExactly(1L, 3L);
    }

    @Test
    void aDeploymentRecordAddsItsRescoreWithoutLosingWhatTheRowHas() throws Exception {
        RuleDeployment deployed = new RuleDeployment("abc123", T, "active", "[]");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(ActionSink.UPSERT_DEPLOYMENT)) {
            ActionSink.bindRuleDeployment(ps, deployed);
            ps.executeUpdate();
            ActionSink.bindRuleDeployment(ps, new RuleDeployment("abc123", T, "active", "[]").rescored(T + 60_000, 2000, 37));
            ps.executeUpdate();
            ActionSink.bindRuleDeployment(ps, new RuleDeployment("abc123", T, "replaced", "[]"));
            ps.executeUpdate();
        }
        assertThat(rows(db.url(), "SELECT ruleset_version, deployed_at, status, rescored_at, customers_rescored,"
                + " actions_written FROM rule_deployments")).containsExactly(
                "abc123 | 2026-03-02T09:00:00Z | replaced | 2026-03-02T09:01:00Z | 2000 | 37");
    }
}
