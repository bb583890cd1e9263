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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `pulse deadletters replay` on a SQLite sink, publishing to a watched directory. */
class DeadLettersReplayCommandTest {
    private static final String LATE_LINE = "{\"type\": \"PRODUCT_USAGE\", \"customerId\": \"acme.example\","
            + " \"eventTime\": 1740787200000, \"usage\": {\"feature\": \"r\u00e9ports\"}}";
    private static final String AHEAD_LINE = "{\"type\":\"PRODUCT_USAGE\",\"customerId\":\"Globex.example\","
            + "\"eventTime\":\"2099-01-01T00:00:00Z\",\"usage\":{\"feature\":\"x\"}}";
    private static final String MALFORMED = "{\"type\": ";

    @TempDir
    Path dir;

    private String sink;
    private Path events;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        events = dir.resolve("live");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)")) {
            insert(ps, "/events/batch-1.jsonl:3", "malformed JSON: Unexpected end-of-input", MALFORMED, null);
            insert(ps, "/events/batch-1.jsonl:9", "late event: event time is behind the watermark 1740787300000",
                    LATE_LINE, "2025-03-01T00:00:00Z");
            insert(ps, "kafka:events-2@41", "ahead of the clock: eventTime 2099-01-01T00:00:00Z is more than PT5M"
                    + " ahead of the wall clock 2026-12-07T03:52:10Z", AHEAD_LINE, "2099-01-01T00:00:00Z");
            insert(ps, "pulse__product_usage:17", "late event: event time is behind the watermark 1",
                    "PRODUCT_USAGE(acme.example @1 from pulse__product_usage:17)", "1970-01-01T00:00:00Z");
            insert(ps, "intercom__company_enhanced:9", "missing field: company", null, null);
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
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private int replay(String... selection) {
        List<String> args = new ArrayList<>(List.of("deadletters", "replay", "--sink", sink, "--events",
                events.toString()));
        args.addAll(List.of(selection));
        return run(args.toArray(String[]::new));
    }

    /** Every line of every published file, files in name order. */
    private List<String> publishedLines() throws Exception {
        if (!Files.isDirectory(events)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(events)) {
            for (Path f : files.sorted().toList()) {
                assertThat(f.getFileName().toString()).doesNotStartWith(".").endsWith(".jsonl");
                String text = Files.readString(f, StandardCharsets.UTF_8);
                assertThat(text).endsWith("\n");
                lines.addAll(List.of(text.substring(0, text.length() - 1).split("\n", -1)));
            }
        }
        return lines;
    }

    @Test
    void replaysTheRawLinesExactlyOnceAndMarksTheRows() throws Exception {
        assertThat(replay("--all")).as("stderr: " + err).isZero();
        String abs = events.toAbsolutePath().normalize().toString();
        assertThat(out.toString()).contains("replayed #1 /events/batch-1.jsonl:3: malformed JSON",
                "replayed #2 /events/batch-1.jsonl:9: late event", "replayed #3 kafka:events-2@41: ahead of the clock",
                "replayed 3 dead letters to " + abs + " (1 skipped: no raw input; 1 skipped: not a live input");
        assertThat(publishedLines()).containsExactly(MALFORMED, LATE_LINE, AHEAD_LINE);

        try (Connection c = SinkDatabase.of(sink).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, replayed_at, replayed_to FROM dead_letters ORDER BY id")) {
            for (int id = 1; id <= 5; id++) {
                rs.next();
                assertThat(rs.getString(2) != null).as("#" + id + " marked").isEqualTo(id <= 3);
                if (id <= 3) {
                    assertThat(rs.getString(2)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
                    assertThat(rs.getString(3)).isEqualTo(abs);
                }
            }
        }

        assertThat(replay("--all")).as("stderr: " + err).isZero();
        assertThat(out.toString()).doesNotContain("replayed #").contains("replayed 0 dead letters to " + abs
                + " (1 skipped: no raw input; 1 skipped: not a live input", "; 3 already replayed)");
        assertThat(publishedLines()).hasSize(3);
    }

    @Test
    void selectsByReasonSourceAndId() throws Exception {
        assertThat(replay("--reason", "LATE EVENT")).as("stderr: " + err).isZero();
        assertThat(out.toString()).contains("replayed #2 ").doesNotContain("replayed #1 ", "replayed #3 ")
                .contains("replayed 1 dead letter to ", "(1 skipped: not a live input");
        assertThat(publishedLines()).containsExactly(LATE_LINE);

        assertThat(replay("--id", "3", "--id", "1")).as("stderr: " + err).isZero();
        assertThat(out.toString()).contains("replayed #1 ", "replayed #3 ", "replayed 2 dead letters");
        assertThat(publishedLines()).containsExactlyInAnyOrder(LATE_LINE, MALFORMED, AHEAD_LINE);

        assertThat(replay("--source", "BATCH-1.jsonl", "--reason", "late")).isZero();
        assertThat(out.toString()).contains("replayed 0 dead letters", "(1 already replayed)");
    }

    @Test
    void aDryRunPrintsWhatWouldBeSentAndSendsNothing() throws Exception {
        assertThat(replay("--source", "kafka:", "--dry-run")).as("stderr: " + err).isZero();
        assertThat(out.toString()).contains("#3 kafka:events-2@41", AHEAD_LINE, "would replay 1 dead letter to ");
        assertThat(publishedLines()).isEmpty();
        assertThat(Files.exists(events)).isFalse();

        assertThat(replay("--source", "kafka:")).isZero();
        assertThat(publishedLines()).containsExactly(AHEAD_LINE);
    }

    @Test
    void aKafkaValueWithLineBreaksIsOneLineInTheDirectory() throws Exception {
        String value = "  {\"type\": \"PRODUCT_USAGE\",\n\t\"customerId\": \"a.example\"}\r\n";
        try (Connection c = SinkDatabase.of(sink).connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)")) {
            insert(ps, "kafka:events-0@7", "missing field: eventTime", value, null);
        }
        assertThat(replay("--id", "6")).as("stderr: " + err).isZero();
        assertThat(publishedLines()).containsExactly("  {\"type\": \"PRODUCT_USAGE\", \t\"customerId\": \"a.example\"}  ");
    }

    @Test
    void listShowsWhetherARowWasReplayedAndLinksAFailedReplayToIt() throws Exception {
        assertThat(replay("--id", "2")).isZero();
        // the job dead-letters the replayed line again: a new row, from the replayed file
        try (Connection c = SinkDatabase.of(sink).connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)")) {
            insert(ps, events.toAbsolutePath() + "/batch-1.jsonl:1", "late event: again", LATE_LINE,
                    "2025-03-01T00:00:00Z");
        }
        assertThat(run("deadletters", "list", "--sink", sink)).as("stderr: " + err).isZero();
        assertThat(out.toString()).containsPattern("#2 [^\\n]*\\n.*\\n.*\\n    replayed \\d{4}-[^ ]+Z to "
                + java.util.regex.Pattern.quote(events.toAbsolutePath().normalize().toString()))
                .contains("    the same input as #2, replayed before");

        assertThat(run("deadletters", "list", "--sink", sink, "--json")).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows.get(0).get("id").asLong()).isEqualTo(6);
        assertThat(rows.get(0).get("replayOf").asLong()).isEqualTo(2);
        assertThat(rows.get(0).get("replayedAt").isNull()).isTrue();
        JsonNode two = rows.get(4);
        assertThat(two.get("id").asLong()).isEqualTo(2);
        assertThat(two.get("replayedAt").asText()).endsWith("Z");
        assertThat(two.get("replayedTo").asText()).isEqualTo(events.toAbsolutePath().normalize().toString());
        assertThat(two.get("replayOf").isNull()).isTrue();
    }

    @Test
    void refusesWithoutASelectionOrWithAllAndASelection() {
        assertThat(replay()).isEqualTo(2);
        assertThat(err.toString()).startsWith("pulse deadletters replay: say which dead letters: --reason TEXT,");
        assertThat(replay("--reason", " ")).isEqualTo(2);
        assertThat(replay("--all", "--id", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--all takes every dead letter: give it alone");
        assertThat(Files.exists(events)).isFalse();
    }

    @Test
    void anUnknownIdOrAMissingSinkIsBadInputAndSendsNothing() throws Exception {
        assertThat(replay("--id", "2", "--id", "99")).isEqualTo(1);
        assertThat(err.toString()).contains("--id: no dead letter #99 in ");
        assertThat(publishedLines()).isEmpty();

        Path missing = dir.resolve("nope.sqlite");
        assertThat(run("deadletters", "replay", "--sink", "jdbc:sqlite:" + missing, "--all", "--events",
                events.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("pulse deadletters replay: --sink: no sink database at " + missing);
        assertThat(Files.exists(missing)).isFalse();

        Files.writeString(dir.resolve("a-file"), "x");
        assertThat(run("deadletters", "replay", "--sink", sink, "--all", "--events",
                dir.resolve("a-file").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--events: ").contains("is a file, not a directory");
    }
}
