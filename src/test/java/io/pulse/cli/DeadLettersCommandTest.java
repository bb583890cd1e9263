package io.pulse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.SinkDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `pulse deadletters list` on a SQLite sink. */
class DeadLettersCommandTest {
    private static final String LATE_LINE = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"acme.example\","
            + " \"eventTime\": 1740787200000, \"usage\": {\"feature\": \"r\u00e9ports\"}}";
    private static final String KAFKA_VALUE = "  {\"type\": \"PRODUCT_USAGE\",\n\t\"eventTime\": \"2099-01-01T00:00:00Z\"}\r\n";

    @TempDir
    Path dir;

    private String sink;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)")) {
            insert(ps, "/events/batch-1.jsonl:3", "malformed JSON: Unexpected end-of-input", "{\"type\": ", null);
            insert(ps, "/events/batch-1.jsonl:9", "late event: event time is behind the watermark 1740787300000",
                    LATE_LINE, "2025-03-01T00:00:00Z");
            insert(ps, "kafka:events-2@41", "ahead of the clock: eventTime 2099-01-01T00:00:00Z is more than PT5M"
                    + " ahead of the wall clock 2026-12-07T03:52:10Z", KAFKA_VALUE, "2099-01-01T00:00:00Z");
        }
    }

    private static void insert(PreparedStatement ps, String source, String reason, String raw, String time)
            throws Exception {
        ps.setString(1, source);
        ps.setString(2, reason);
        ps.setString(3, raw);
        ps.setString(4, time);
        ps.executeUpdate();
    }

    private int run(String... args) {
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void listsEveryDeadLetterNewestFirstWithItsSourceReasonAndRawInput() {
        assertThat(run("deadletters", "list", "--sink", sink)).as("stderr: " + err).isZero();
        String text = out.toString();
        assertThat(text).contains("#3 2099-01-01T00:00:00Z kafka:events-2@41", "    ahead of the clock: ",
                "      {\"type\": \"PRODUCT_USAGE\",\\n\\t\"eventTime\": \"2099-01-01T00:00:00Z\"}\\r\\n",
                "#2 2025-03-01T00:00:00Z /events/batch-1.jsonl:9", LATE_LINE, "#1 - /events/batch-1.jsonl:3",
                "3 dead letters");
        assertThat(text.indexOf("#3")).isLessThan(text.indexOf("#2")).isLessThan(text.indexOf("#1"));
    }

    @Test
    void jsonKeepsTheRawInputExactlyAndReasonFiltersInAnyCase() throws Exception {
        assertThat(run("deadletters", "list", "--sink", sink, "--reason", "AHEAD OF THE CLOCK", "--json"))
                .as("stderr: " + err).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("source").asText()).isEqualTo("kafka:events-2@41");
        assertThat(rows.get(0).get("raw").asText()).isEqualTo(KAFKA_VALUE);
        assertThat(rows.get(0).get("eventTime").asText()).isEqualTo("2099-01-01T00:00:00Z");

        out.getBuffer().setLength(0);
        assertThat(run("deadletters", "list", "--sink", sink, "--reason", "late", "--limit", "5", "--json")).isZero();
        List<String> raws = new ArrayList<>();
        new ObjectMapper().readTree(out.toString()).forEach(r -> raws.add(r.get("raw").asText()));
        assertThat(raws).containsExactly(LATE_LINE);
    }

    @Test
    void theLimitKeepsTheNewestAndAReasonWithLikeWildcardsIsMatchedLiterally() {
        assertThat(run("deadletters", "list", "--sink", sink, "--limit", "1")).isZero();
        assertThat(out.toString()).contains("#3 ").doesNotContain("#2 ").contains("1 dead letter\n");
        out.getBuffer().setLength(0);
        assertThat(run("deadletters", "list", "--sink", sink, "--reason", "%")).isZero();
        assertThat(out.toString()).contains("0 dead letters");
    }

    @Test
    void aLongRawInputIsCutInTextOnly() {
        assertThat(DeadLettersCommand.ListDeadLetters.shown("x".repeat(1_000)))
                .startsWith("x".repeat(300) + "... (1000 characters; --json shows it whole)");
        assertThat(DeadLettersCommand.ListDeadLetters.shown("x".repeat(300))).isEqualTo("x".repeat(300));
    }

    @Test
    void aMissingSinkIsReportedAndNotCreatedAndABadLimitIsRefused() {
        Path missing = dir.resolve("nope.sqlite");
        assertThat(run("deadletters", "list", "--sink", "jdbc:sqlite:" + missing)).as("stderr: " + err).isEqualTo(1);
        assertThat(err.toString()).startsWith("pulse deadletters list: --sink: no sink database at " + missing);
        assertThat(Files.exists(missing)).isFalse();

        err.getBuffer().setLength(0);
        assertThat(run("deadletters", "list", "--sink", sink, "--limit", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("--limit must be between 1 and 10000, got 0");
        assertThat(run("deadletters", "list", "--sink", "mysql://x")).isEqualTo(2);
    }
}
