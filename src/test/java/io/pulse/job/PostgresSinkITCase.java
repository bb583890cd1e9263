package io.pulse.job;

import io.pulse.actions.SinkDatabase;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.CustomerStory;
import io.pulse.cli.PulseCli;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's JDBC sink on PostgreSQL: the same replay writes the same queue as on SQLite. */
class PostgresSinkITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;

    private static void replay(Path history, String sinkUrl) throws Exception {
        SinkDatabase db = SinkDatabase.of(sinkUrl);
        db.createSchema();
        new PulseJob(PulseJob.history("jdbc:sqlite:" + history), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay into " + sinkUrl);
    }

    private static List<String> rows(String url, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = SinkDatabase.of(url).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    // the drivers print a double differently (54.4 and 54.40): compare them as numbers
                    row.append(i > 1 ? " | " : "").append(value instanceof Double d ? String.format("%.6f", d) : value);
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void replayIntoPostgresWritesTheSameQueueAsIntoSqlite() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(40, 120, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String sqlite = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        String postgres = EmbeddedPostgresServer.freshDatabaseUrl();
        replay(history, sqlite);
        replay(history, postgres);
        replay(history, postgres); // again, as after a restart: nothing duplicated, nothing reset

        String query = "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
                + " predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version, valid_as_of,"
                + " first_valid_as_of, status, assignee, industry, size_segment, pipeline_status"
                + " FROM recommended_actions ORDER BY customer_id, action";
        List<String> onSqlite = rows(sqlite, query);
        assertThat(onSqlite).hasSizeGreaterThanOrEqualTo(80);
        assertThat(rows(postgres, query)).isEqualTo(onSqlite);
        String history1 = "SELECT r.customer_id, r.action, h.actor, h.from_status, h.to_status, h.at"
                + " FROM action_history h JOIN recommended_actions r ON r.id = h.action_id"
                + " ORDER BY r.customer_id, r.action, h.id";
        assertThat(rows(postgres, history1)).isEqualTo(rows(sqlite, history1));
        String points = "SELECT * FROM score_history ORDER BY customer_id, valid_as_of";
        assertThat(rows(postgres, points)).as("the score history").hasSizeGreaterThan(80).isEqualTo(rows(sqlite, points));
        String customer = rows(sqlite, "SELECT min(customer_id) FROM score_history").get(0);
        try (ActionQueue sqliteQueue = ActionQueue.open(sqlite); ActionQueue postgresQueue = ActionQueue.open(postgres)) {
            CustomerStory a = sqliteQueue.story(customer);
            CustomerStory b = postgresQueue.story(customer);
            assertThat(b.points()).as("a customer's score history").isEqualTo(a.points()).isNotEmpty();
            assertThat(b.changes()).as("its changes").isEqualTo(a.changes());
            assertThat(b.rulePacks()).as("its rule packs").isEqualTo(a.rulePacks());
            // action ids follow each database's insert order (PostgreSQL's sink writes in parallel)
            assertThat(withoutIds(b)).as("its actions").isEqualTo(withoutIds(a)).isNotEmpty();
        }
        assertThat(portfolio(postgres)).as("the portfolio view").isEqualTo(portfolio(sqlite)).contains("\"total\"");
    }

    private static List<String> withoutIds(CustomerStory story) {
        return story.actions().stream().map(e -> String.join(" ", e.at(), e.action(), e.actor(), String.valueOf(e.from()),
                e.to(), String.valueOf(e.note()))).sorted().toList();
    }

    /** `pulse report portfolio --json` of a sink. */
    private static String portfolio(String sinkUrl) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PulseCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("report", "portfolio", "--sink", sinkUrl, "--json")).as("stderr: " + err).isEqualTo(0);
        return out.toString();
    }
}
