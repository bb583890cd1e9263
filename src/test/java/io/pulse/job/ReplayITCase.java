package io.pulse.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.SinkDatabase;
import io.pulse.cli.PulseCli;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryQueries;
import io.pulse.jdbc.SqlDialect;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** History -> Flink (MiniCluster) -> Drools -> SQLite action table, end to end. */
class ReplayITCase {
    private static final int COMPANIES = 120;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;
    static Path history;

    @BeforeAll
    static void generateHistory() throws Exception {
        history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(COMPANIES, 150, 11, LocalDate.of(2025, 1, 1), history)).generate();
    }

    private static String replay(int parallelism) throws Exception {
        return replay(history, "actions-p" + parallelism, parallelism);
    }

    private static String replay(Path history, String sinkName, int parallelism) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(sinkName + ".sqlite");
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        new PulseJob(PulseJob.history("jdbc:sqlite:" + history), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(parallelism)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay ITCase p=" + parallelism);
        assertThat(dir.resolve("checkpoints")).as("a finished replay leaves no checkpoint directory").isEmptyDirectory();
        return url;
    }

    private static Set<String> customersInHistory() throws Exception {
        return new TreeSet<>(rows("jdbc:sqlite:" + history,
                "SELECT DISTINCT lower(website_domain) FROM intercom__company_enhanced"));
    }

    @Test
    void everyCustomerGetsExactlyOneOpenStrategyOfEachFamily() throws Exception {
        String url = replay(2);
        Set<String> customers = customersInHistory();
        assertThat(customers).hasSize(COMPANIES);

        for (String family : List.of("VALUE_RISK", "HEALTH")) {
            List<String> open = rows(url, "SELECT customer_id FROM recommended_actions"
                    + " WHERE family = '" + family + "' AND status = 'OPEN' ORDER BY customer_id");
            assertThat(open).as("one open %s row per customer", family).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(open)).as(family).isEqualTo(customers);
        }
        assertThat(rows(url, "SELECT count(*) FROM recommended_actions WHERE ruleset_version IS NULL"
                + " OR ruleset_version = '' OR reasons IS NULL OR reasons NOT LIKE '[{\"rule\"%'"))
                .containsExactly("0");
        assertThat(rows(url, "SELECT DISTINCT action FROM recommended_actions WHERE family = 'VALUE_RISK'"))
                .as("all nine value x risk strategies occur")
                .containsExactlyInAnyOrder("URGENT_RETAIN", "PROACTIVE_ENGAGE", "VIP_NURTURE", "CLOSE_MONITOR",
                        "STANDARD_CARE", "UPSELL_OPPORTUNITY", "LOW_TOUCH_AUTOMATION", "LOW_PRIORITY", "SELF_SERVICE");
        // Every generated row maps to a customer and is in time: nothing is dead-lettered.
        assertThat(rows(url, "SELECT source || ': ' || reason FROM dead_letters")).isEmpty();
        // Strategies that changed were retired, not left open beside the new one.
        assertThat(rows(url, "SELECT DISTINCT status FROM recommended_actions ORDER BY status"))
                .isSubsetOf("OPEN", "SUPERSEDED");
        assertThat(rows(url, "SELECT count(*) FROM recommended_actions WHERE status <> pipeline_status"))
                .as("nobody worked the queue: the pipeline's status is the status").containsExactly("0");
        assertPortfolioCountsEachCustomerOnce(url, customers);
        assertEveryOpenRowCarriesItsAccountOwnerAsOfItsEvaluation(url);
        assertEachCustomersLatestScorePointIsItsOpenRowsClassification(url, customers);
    }

    /**
     * The score history ends where the queue is: each customer's latest point has the score, band and
     * tiers of its open rows, and its inputs' points add up to the score (within rounding, where
     * the score is not clipped).
     */
    private static void assertEachCustomersLatestScorePointIsItsOpenRowsClassification(String url,
                                                                                      Set<String> customers)
            throws Exception {
        String latest = "SELECT p.customer_id, p.health_score, p.health_band, p.value_tier, p.risk_tier FROM score_history p"
                + " WHERE p.valid_as_of = (SELECT max(valid_as_of) FROM score_history q WHERE q.customer_id = p.customer_id)"
                + " ORDER BY p.customer_id";
        String open = "SELECT DISTINCT customer_id, health_score, health_band, value_tier, risk_tier"
                + " FROM recommended_actions WHERE pipeline_status = 'OPEN' ORDER BY customer_id";
        assertThat(rows(url, latest)).hasSize(customers.size()).isEqualTo(rows(url, open));
        assertThat(rows(url, "SELECT count(*) FROM score_history WHERE health_score > 0 AND health_score < 100"
                + " AND abs(recency_points + activities_points + contacts_points + annual_revenue_points"
                + " + total_won_points + size_segment_points + employees_points - health_score) > 0.05"))
                .as("points whose inputs do not add up to the score").containsExactly("0");
        assertThat(Integer.parseInt(rows(url, "SELECT count(*) FROM score_history").get(0)))
                .as("a point per change, not one per customer").isGreaterThan(2 * customers.size());
    }

    /**
     * The owner on each open row is the owner of the customer's latest account snapshot at or before
     * the row's valid_as_of, read plainly from the history the job read (snapshot owner_id through
     * salesforce__user): reassigned accounts included.
     */
    private static void assertEveryOpenRowCarriesItsAccountOwnerAsOfItsEvaluation(String url) throws Exception {
        String accounts = HistoryQueries.all(SqlDialect.SQLITE, List.of(), true).stream()
                .filter(q -> q.name().equals("accounts")).findFirst().orElseThrow().sql();
        Map<String, TreeMap<Long, String>> owners = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + history);
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT event_time, customer_id, owner_email FROM (" + accounts
                     + ") AS snapshots")) {
            while (rs.next()) {
                owners.computeIfAbsent(rs.getString(2), k -> new TreeMap<>()).put(rs.getLong(1), rs.getString(3));
            }
        }
        Set<String> distinctOwners = new TreeSet<>();
        int reassignedRows = 0;
        for (String row : rows(url, "SELECT customer_id || '|' || valid_as_of || '|' || coalesce(owner, '')"
                + " FROM recommended_actions WHERE pipeline_status = 'OPEN'")) {
            String[] f = row.split("\\|", -1);
            TreeMap<Long, String> snapshots = owners.get(f[0]);
            Map.Entry<Long, String> asOf = snapshots == null ? null
                    : snapshots.floorEntry(java.time.Instant.parse(f[1]).toEpochMilli());
            String expected = asOf == null || asOf.getValue() == null ? "" : asOf.getValue();
            assertThat(f[2]).as("owner of %s as of %s", f[0], f[1]).isEqualTo(expected);
            distinctOwners.add(f[2]);
            if (!expected.isEmpty() && !expected.equals(snapshots.firstEntry().getValue())) {
                reassignedRows++;
            }
        }
        assertThat(distinctOwners).as("every account has an owner").isNotEmpty()
                .allMatch(o -> o.endsWith("@pulse-cs.example"));
        assertThat(reassignedRows).as("rows of reassigned accounts carry the new owner").isPositive();
    }

    /** `pulse report portfolio --json` on the replay's queue: every customer once, the Low band's share graded. */
    private static void assertPortfolioCountsEachCustomerOnce(String url, Set<String> customers) throws Exception {
        assertThat(rows(url, "SELECT customer_id FROM recommended_actions WHERE pipeline_status = 'OPEN'"
                + " AND (industry IS NULL OR size_segment IS NULL)")).as("rows without industry or size").isEmpty();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PulseCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("report", "portfolio", "--sink", url, "--json")).as("exit status; stderr: " + err)
                .isEqualTo(0);
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.at("/total/accounts").asLong()).as(out.toString()).isEqualTo(customers.size());
        assertThat(report.at("/total/low").asText()).isEqualTo(rows(url, "SELECT count(*) FROM recommended_actions"
                + " WHERE family = 'HEALTH' AND status = 'OPEN' AND health_band = 'Low'").get(0));
        assertThat(report.at("/sizes").toString()).as("the four CRM sizes, nothing unknown")
                .isEqualTo("[\"Enterprise\",\"Large\",\"Mid-Market\",\"Small Business\"]");
        assertThat(rows("jdbc:sqlite:" + history,
                "SELECT DISTINCT industry_normalized FROM salesforce__customer_360_view ORDER BY 1"))
                .as("industries").containsAll(texts(report.at("/industries")));
        double high = report.at("/grades/High").asDouble();
        double elevated = report.at("/grades/Elevated").asDouble();
        double watch = report.at("/grades/Watch").asDouble();
        long accounts = 0;
        for (JsonNode row : report.at("/rows")) {
            for (JsonNode cell : row.at("/cells")) {
                accounts += cell.at("/accounts").asLong();
                if (cell.at("/accounts").asLong() == 0) {
                    assertThat(cell.at("/grade").isNull()).as("empty cell " + cell).isTrue();
                    continue;
                }
                double share = 100.0 * cell.at("/low").asLong() / cell.at("/accounts").asLong();
                assertThat(cell.at("/share").asDouble()).as(row.at("/industry") + " " + cell).isCloseTo(share,
                        offset(0.005));
                double shown = cell.at("/share").asDouble();
                String grade = shown >= high ? "High" : shown >= elevated ? "Elevated" : shown >= watch ? "Watch"
                        : "Stable";
                assertThat(cell.at("/grade").asText()).as(row.at("/industry") + " " + cell).isEqualTo(grade);
            }
        }
        assertThat(accounts).as("the cells add up to the total").isEqualTo(customers.size());
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void badRowsGoToTheDeadLettersWithTheirReasonAndEverythingElseIsProcessed() throws Exception {
        Path broken = dir.resolve("broken-history.sqlite");
        Files.copy(history, broken);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + broken); Statement s = c.createStatement()) {
            s.execute("INSERT INTO intercom__conversation_enhanced (conversation_id, conversation_created_at,"
                    + " all_conversation_contacts, all_contact_company_names)"
                    + " VALUES ('999999999999999', '2025-02-01 10:00:00', 'contact:nobody', 'No Such Company')");
            s.execute("INSERT INTO customer360__customer_activity_metrics (primary_email, activity_risk_level,"
                    + " engagement_velocity, activity_analysis_timestamp) SELECT primary_email, 'High', 'Declining',"
                    + " 'last Tuesday' FROM customer360__customer_activity_metrics LIMIT 1");
        }
        String url = replay(broken, "actions-broken", 2);
        assertThat(rows(url, "SELECT source, reason FROM dead_letters ORDER BY source")).containsExactly(
                "customer360__customer_activity_metrics:" + rows("jdbc:sqlite:" + broken,
                        "SELECT primary_email FROM customer360__customer_activity_metrics LIMIT 1").get(0)
                        + " | missing or unreadable event time",
                "intercom__conversation_enhanced:999999999999999 | no customer matches the row"
                        + " (company name, company id or email domain unknown)");
        // The valid rows around them are all processed: the same table as the clean history's.
        String query = "SELECT customer_id, action, status, valid_as_of FROM recommended_actions ORDER BY 1, 2";
        assertThat(rows(url, query)).isEqualTo(rows(replay(history, "actions-clean", 2), query));
    }

    @Test
    void replayingIntoTheSameQueueKeepsPeoplesWorkAndDuplicatesNothing() throws Exception {
        String url = replay(history, "actions-twice", 2);
        String claimed;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            claimed = rows(url, "SELECT id FROM recommended_actions WHERE status = 'OPEN' ORDER BY id LIMIT 1").get(0);
            s.executeUpdate("UPDATE recommended_actions SET status = 'CLAIMED', assignee = 'dana' WHERE id = " + claimed);
        }
        String query = "SELECT id, customer_id, action, status, assignee, valid_as_of, reasons FROM recommended_actions"
                + " ORDER BY id";
        List<String> before = rows(url, query);

        replay(history, "actions-twice", 2); // as after a restart: the same events again

        assertThat(rows(url, query)).isEqualTo(before);
        assertThat(rows(url, "SELECT status || ' ' || assignee FROM recommended_actions WHERE id = " + claimed))
                .containsExactly("CLAIMED dana");
    }

    @Test
    void theTableDoesNotDependOnParallelism() throws Exception {
        String columns = "customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
                + " predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version, valid_as_of,"
                + " first_valid_as_of, status, assignee, industry, size_segment, pipeline_status, owner";
        String query = "SELECT " + columns + " FROM recommended_actions ORDER BY customer_id, action";
        String one = replay(1);
        String four = replay(4);
        List<String> atOne = rows(one, query);
        List<String> atFour = rows(four, query);
        assertThat(atOne).hasSizeGreaterThanOrEqualTo(2 * COMPANIES);
        assertThat(atFour).isEqualTo(atOne);
        String points = "SELECT * FROM score_history ORDER BY customer_id, valid_as_of";
        assertThat(rows(four, points)).as("the score history").isEqualTo(rows(one, points));
    }
}
