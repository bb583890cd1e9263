package io.pulse.history;

import io.pulse.actions.SinkDatabase;
import io.pulse.backtest.Backtest;
import io.pulse.backtest.Team;
import io.pulse.backtest.BacktestWindow;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same generated history in SQLite and in PostgreSQL: the generator writes the same rows to
 * both, and a replay (MiniCluster, parallelism 2) and a backtest read the same events from both.
 */
class PostgresHistoryITCase {
    private static final LocalDate START = LocalDate.of(2025, 1, 1);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;
    static HistoryDatabase sqlite;
    static HistoryDatabase postgres;

    @BeforeAll
    static void generateTheSameHistoryIntoBoth() throws Exception {
        sqlite = HistoryDatabase.sqlite(dir.resolve("history.sqlite"));
        postgres = HistoryDatabase.of(EmbeddedPostgresServer.freshDatabaseUrl());
        for (HistoryDatabase target : List.of(sqlite, postgres)) {
            new HistoryGenerator(new GeneratorSettings(80, 200, 7, START, target)).generate();
        }
    }

    @Test
    void theGeneratorWritesTheSameRowsToBoth() throws Exception {
        for (String table : List.of("salesforce__customer_360_view", "intercom__conversation_enhanced",
                "customer360__customer_activity_metrics", "pulse__product_usage")) {
            String query = "SELECT * FROM " + table; // in Java's order below: the collations differ
            assertThat(numbersAsNumbers(rows(postgres.url(), query))).as(table)
                    .isEqualTo(numbersAsNumbers(rows(sqlite.url(), query)));
        }
        assertThat(HistoryTables.missing(postgres.url())).isEmpty();
        assertThat(HistorySource.endTime(postgres.url())).isEqualTo(HistorySource.endTime(sqlite.url()))
                .isGreaterThan(Long.MIN_VALUE);
    }

    @Test
    void replaysOfBothWriteTheSameActionTable() throws Exception {
        String columns = "customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
                + " predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version, valid_as_of,"
                + " first_valid_as_of, status, industry, size_segment, pipeline_status, owner";
        String query = "SELECT " + columns + " FROM recommended_actions ORDER BY customer_id, action";
        String fromSqlite = replay(sqlite, "actions-from-sqlite");
        String fromPostgres = replay(postgres, "actions-from-postgres");

        List<String> expected = rows(fromSqlite, query);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2 * 80);
        assertThat(rows(fromPostgres, query)).isEqualTo(expected);
        assertThat(rows(fromPostgres, "SELECT count(*) FROM recommended_actions WHERE owner LIKE '%@pulse-cs.example'"))
                .as("owners come through from both").doesNotContain("0");
        assertThat(rows(fromPostgres, "SELECT source || ': ' || reason FROM dead_letters")).isEmpty();
    }

    @Test
    void aBacktestOfBothGivesTheSameFigures() throws Exception {
        BacktestWindow window = new BacktestWindow(LocalDate.of(2025, 4, 1), LocalDate.of(2025, 6, 30),
                Duration.ofDays(60));
        Path rules = Path.of("rules");
        Backtest.run(new Backtest.Options(sqlite, rules, null, window, dir.resolve("bt-sqlite"), 2, Team.of(4), false));
        Backtest.Result onPostgres = Backtest.run(new Backtest.Options(postgres, rules, null, window,
                dir.resolve("bt-postgres"), 2, Team.of(4), false));

        assertThat(onPostgres.eventsRead()).isPositive();
        assertThat(Files.readString(dir.resolve("bt-postgres/metrics.json")))
                .isEqualTo(Files.readString(dir.resolve("bt-sqlite/metrics.json")));
        assertThat(Files.readAllLines(dir.resolve("bt-postgres/recommendations-champion.csv")))
                .isEqualTo(Files.readAllLines(dir.resolve("bt-sqlite/recommendations-champion.csv")));
    }

    private static String replay(HistoryDatabase history, String sinkName) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(sinkName + ".sqlite");
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        new PulseJob(PulseJob.history(history.url()), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay of " + sinkName);
        return url;
    }

    /** Sorted rows; the drivers print numbers differently (54.4 and 54.40, 3 and 3.0): as numbers. */
    private static List<String> numbersAsNumbers(List<String> rows) {
        return rows.stream().map(row -> String.join(" | ", java.util.Arrays.stream(row.split(" \\| ", -1))
                .map(PostgresHistoryITCase::normalised).toList())).sorted().toList();
    }

    private static String normalised(String cell) {
        try {
            return new java.math.BigDecimal(cell).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException notANumber) {
            return cell;
        }
    }
}
