package io.pulse.generate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HistoryGeneratorTest {

    @TempDir
    static Path dir;

    /** 200 companies over 120 days: magnitudes and linking. */
    static Path small;
    static GenerationReport smallReport;
    /** 500 companies over a year: calibration, the nine strategy cells, outcomes and their signals. */
    static Path year;

    @BeforeAll
    static void generate() throws Exception {
        small = dir.resolve("small.db");
        smallReport = new HistoryGenerator(new GeneratorSettings(200, 120, 7, small)).generate();
        year = dir.resolve("year.db");
        new HistoryGenerator(new GeneratorSettings(500, 365, 11, year)).generate();
    }

    @Test
    void sameSettingsGiveTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        Path c = dir.resolve("c.db");
        Files.writeString(b, "an older file that must be replaced");
        new HistoryGenerator(new GeneratorSettings(120, 60, 99, a)).generate();
        new HistoryGenerator(new GeneratorSettings(120, 60, 99, b)).generate();
        new HistoryGenerator(new GeneratorSettings(120, 60, 100, c)).generate();

        assertThat(sha256(b)).isEqualTo(sha256(a));
        assertThat(sha256(c)).isNotEqualTo(sha256(a));
    }

    @Test
    void writesEveryTableWithRealisticMagnitudes() throws Exception {
        try (Connection db = open(small)) {
            Map<String, Long> rows = smallReport.rowsPerTable();
            assertThat(smallReport.totalRows()).isEqualTo(rows.values().stream().mapToLong(Long::longValue).sum());
            for (Map.Entry<String, Long> e : rows.entrySet()) {
                assertThat(count(db, "SELECT count(*) FROM " + e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(e.getValue()).as(e.getKey()).isPositive();
            }
            assertThat(rows.keySet()).hasSize(16);

            long companies = count(db, "SELECT count(DISTINCT website_domain) FROM intercom__company_enhanced");
            assertThat(companies).isEqualTo(200);
            assertThat(rows.get("intercom__company_metrics")).isEqualTo(200);
            // ~4 conversations a month: 200 companies x 4 months x 4, give or take.
            assertThat(rows.get("intercom__conversation_enhanced")).isBetween(2_000L, 6_000L);
            assertThat(rows.get("intercom__conversation_metrics")).isEqualTo(rows.get("intercom__conversation_enhanced"));
            // Weekly account snapshots: 18 weeks, fewer for companies that churn or sign up late.
            assertThat(rows.get("salesforce__customer_360_view")).isBetween(2_500L, 3_600L);
            // Month ends of January to April, plus each company's first day in the history.
            long activity = rows.get("customer360__customer_activity_metrics");
            assertThat(activity).isBetween(800L, 1_000L);
            assertThat(rows.get("customer360__conversion_funnel_analysis")).isEqualTo(activity);
            assertThat(rows.get("customer360__customer_value_analysis")).isEqualTo(activity);
            // A few product-usage events per company per week.
            assertThat(rows.get("pulse__product_usage")).isBetween(2_500L, 9_000L);

            long closed = count(db, "SELECT count(*) FROM intercom__conversation_enhanced WHERE last_close_at IS NOT NULL");
            long events = rows.get("intercom__conversation_enhanced") + closed
                    + rows.get("salesforce__customer_360_view") + 3 * activity + rows.get("pulse__product_usage")
                    + rows.get("pulse__subscription_changes") + rows.get("pulse__customer_outcomes");
            assertThat(smallReport.totalEvents()).isEqualTo(events);

            assertThat(count(db, "SELECT count(*) FROM salesforce__customer_360_view"
                    + " WHERE days_since_last_activity NOT BETWEEN 0 AND 117 OR total_activities_30d NOT BETWEEN 0 AND 480"))
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM intercom__company_enhanced"
                    + " WHERE monthly_spend NOT BETWEEN 350 AND 9000 OR (user_count > 500 AND plan_name <> 'Enterprise')"
                    + " OR length(company_id) <> 24"))
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM intercom__conversation_enhanced"
                    + " WHERE length(conversation_id) <> 15"))
                    .isZero();
            double botShare = number(db, "SELECT avg(conversation_author_type = 'bot') FROM intercom__conversation_enhanced");
            assertThat(botShare).isCloseTo(0.33, within(0.05));
            double medianResponse = number(db, "SELECT time_to_first_response_minutes FROM intercom__conversation_metrics"
                    + " ORDER BY 1 LIMIT 1 OFFSET (SELECT count(*) / 2 FROM intercom__conversation_metrics)");
            assertThat(medianResponse).isCloseTo(26, within(2.0));
        }
    }

    @Test
    void everySystemLinksToACompany() throws Exception {
        try (Connection db = open(small)) {
            // Customer id: the lower-cased domain, one per company.
            assertThat(count(db, "SELECT count(*) FROM intercom__company_enhanced WHERE website_domain <> lower(website_domain)"))
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM (SELECT website_domain FROM intercom__company_enhanced"
                    + " GROUP BY 1 HAVING count(DISTINCT company_name) > 1)")).isZero();
            // Conversations by name, compared case-insensitively and trimmed; some are re-cased or padded.
            assertThat(count(db, "SELECT count(*) FROM intercom__conversation_enhanced c WHERE NOT EXISTS ("
                    + " SELECT 1 FROM intercom__company_enhanced k"
                    + " WHERE lower(k.company_name) = lower(trim(c.all_contact_company_names)))")).isZero();
            assertThat(count(db, "SELECT count(*) FROM intercom__conversation_enhanced c WHERE NOT EXISTS ("
                    + " SELECT 1 FROM intercom__company_enhanced k WHERE k.company_name = c.all_contact_company_names)"))
                    .isPositive();
            assertThat(count(db, "SELECT count(*) FROM salesforce__customer_360_view a WHERE NOT EXISTS ("
                    + " SELECT 1 FROM intercom__company_enhanced k WHERE k.company_name = a.account_name)")).isZero();
            for (String table : new String[] {"customer360__customer_activity_metrics",
                "customer360__conversion_funnel_analysis", "customer360__customer_value_analysis"}) {
                assertThat(count(db, "SELECT count(*) FROM " + table + " x WHERE NOT EXISTS ("
                        + " SELECT 1 FROM intercom__company_enhanced k"
                        + " WHERE k.website_domain = substr(x.primary_email, instr(x.primary_email, '@') + 1))"))
                        .as(table).isZero();
            }
            // One primary email per company: every company is described from its first day in the history.
            assertThat(count(db, "SELECT count(DISTINCT primary_email) FROM customer360__customer_value_analysis"))
                    .isEqualTo(count(db, "SELECT count(DISTINCT website_domain) FROM intercom__company_enhanced"));
            for (String table : new String[] {"pulse__product_usage", "pulse__subscription_changes",
                "pulse__customer_outcomes", "intercom__company_metrics"}) {
                assertThat(count(db, "SELECT count(*) FROM " + table + " x WHERE x.company_id NOT IN ("
                        + " SELECT company_id FROM intercom__company_enhanced)")).as(table).isZero();
            }
            assertThat(count(db, "SELECT count(*) FROM pulse__product_usage u JOIN intercom__company_enhanced k"
                    + " ON k.company_id = u.company_id"
                    + " WHERE substr(u.contact_email, instr(u.contact_email, '@') + 1) <> k.website_domain")).isZero();
            assertThat(count(db, "SELECT count(*) FROM salesforce__opportunity_enhanced o WHERE o.account_id NOT IN ("
                    + " SELECT account_id FROM salesforce__customer_360_view)")).isZero();
            // One company in 200 shares its name with another company that has its own domain.
            assertThat(count(db, "SELECT count(*) FROM (SELECT lower(company_name) FROM intercom__company_enhanced"
                    + " GROUP BY 1 HAVING count(DISTINCT website_domain) > 1)")).isEqualTo(1);
        }
    }

    @Test
    void renewalOpportunitiesFollowTheContractYearAndAreLostWhenTheCustomerChurnsFirst() throws Exception {
        try (Connection db = open(year); Statement s = db.createStatement()) {
            // Opportunities reach a company through its account's name: the companies whose name is unique.
            s.execute("CREATE TEMP VIEW named AS SELECT company_name FROM intercom__company_enhanced"
                    + " GROUP BY company_name HAVING count(DISTINCT website_domain) = 1");
            s.execute("CREATE TEMP VIEW renewals AS SELECT a.account_name AS company_name, o.*"
                    + " FROM salesforce__opportunity_enhanced o JOIN (SELECT DISTINCT account_id, account_name"
                    + " FROM salesforce__customer_360_view) a ON a.account_id = o.account_id"
                    + " WHERE o.opportunity_type = 'Renewal' AND a.account_name IN (SELECT company_name FROM named)");
            s.execute("CREATE TEMP VIEW outcomes AS SELECT c.company_name, x.outcome, min(date(x.outcome_at)) AS day"
                    + " FROM pulse__customer_outcomes x JOIN intercom__company_enhanced c ON c.company_id = x.company_id"
                    + " WHERE c.company_name IN (SELECT company_name FROM named) GROUP BY x.outcome_id");

            assertThat(count(db, "SELECT count(*) FROM renewals")).isGreaterThan(300);
            assertThat(count(db, "SELECT count(*) FROM renewals WHERE julianday(close_date) - julianday(created_date)"
                    + " NOT BETWEEN 60 AND 120")).as("opened 60-120 days ahead").isZero();
            assertThat(count(db, "SELECT count(*) FROM salesforce__opportunity_enhanced"
                    + " WHERE opportunity_type NOT IN ('New Business', 'Expansion', 'Renewal')")).isZero();
            // Each renewal outcome is a won renewal closing that day.
            long renewed = count(db, "SELECT count(*) FROM outcomes WHERE outcome = 'renewed'");
            assertThat(renewed).isGreaterThan(50);
            assertThat(count(db, "SELECT count(*) FROM outcomes x WHERE x.outcome = 'renewed' AND EXISTS (SELECT 1"
                    + " FROM renewals r WHERE r.company_name = x.company_name AND r.stage_name = 'Closed Won'"
                    + " AND r.close_date = x.day)")).isEqualTo(renewed);
            // A renewal opened before the customer churned, due after: lost. No other renewal is lost.
            String pendingAtChurn = "FROM renewals r JOIN outcomes x ON x.company_name = r.company_name"
                    + " AND x.outcome = 'churned' WHERE r.created_date <= x.day AND r.close_date >= x.day";
            long pending = count(db, "SELECT count(*) " + pendingAtChurn);
            assertThat(pending).isPositive();
            assertThat(count(db, "SELECT count(*) " + pendingAtChurn + " AND r.stage_name = 'Closed Lost'"))
                    .isEqualTo(pending);
            assertThat(count(db, "SELECT count(*) FROM renewals WHERE stage_name = 'Closed Lost'")).isEqualTo(pending);
        }
    }

    @Test
    void carriesBothTagFormatsAndOffsetTimestamps() throws Exception {
        try (Connection db = open(small)) {
            assertThat(count(db, "SELECT count(*) FROM intercom__conversation_enhanced"
                    + " WHERE all_conversation_tags LIKE 'topic:%|channel:%|segment:%|first_response:%'")).isPositive();
            assertThat(count(db, "SELECT count(*) FROM intercom__conversation_enhanced"
                    + " WHERE all_conversation_tags LIKE '%, %' AND all_conversation_tags NOT LIKE '%:%'")).isPositive();
            assertThat(count(db, "SELECT count(*) FROM intercom__company_enhanced"
                    + " WHERE all_company_tags LIKE 'tier:%,segment:%,region:%,lifecycle:%,seat_bucket:seats:%,arr_bucket:arr:%'"))
                    .isEqualTo(count(db, "SELECT count(*) FROM intercom__company_enhanced"));
            // An offset timestamp names the same instant: the month-end run, which is next morning at +08:00.
            assertThat(count(db, "SELECT count(*) FROM customer360__customer_activity_metrics"
                    + " WHERE activity_analysis_timestamp LIKE '%+08:00'")).isPositive();
            // Snapshots are taken at month ends, and on a company's first day in the history.
            assertThat(count(db, "SELECT count(*) FROM customer360__customer_activity_metrics a"
                    + " WHERE strftime('%d', datetime(activity_analysis_timestamp), '+1 day') <> '01'"
                    + " AND activity_analysis_timestamp <> (SELECT min(b.activity_analysis_timestamp)"
                    + " FROM customer360__customer_activity_metrics b WHERE b.primary_email = a.primary_email)"))
                    .isZero();
        }
    }

    @Test
    void calibratedToTheRulePack() throws Exception {
        try (Connection db = open(year)) {
            Map<String, Long> bands = healthBands(db);
            long accounts = bands.values().stream().mapToLong(Long::longValue).sum();
            assertThat(accounts).isEqualTo(500);
            assertThat(bands.get("High") / (double) accounts).isBetween(0.005, 0.05);
            assertThat(bands.get("Low") / (double) accounts).isBetween(0.25, 0.45);

            Map<String, Long> cells = strategyCells(db);
            for (String value : new String[] {"High", "Mid", "Low"}) {
                for (String risk : new String[] {"High", "Medium", "Low"}) {
                    assertThat(cells.getOrDefault(value + "/" + risk, 0L) / 500.0)
                            .as("value %s x risk %s", value, risk).isGreaterThanOrEqualTo(0.03);
                }
            }

            assertThat(number(db, "SELECT avg(composite_engagement_score) FROM customer360__customer_activity_metrics"))
                    .isCloseTo(8, within(1.5));
            assertThat(number(db, "SELECT avg(zendesk_active) FROM customer360__customer_activity_metrics"))
                    .isCloseTo(0.27, within(0.07));
            assertThat(number(db, "SELECT avg(sales_to_support_days) FROM customer360__conversion_funnel_analysis"))
                    .isCloseTo(78, within(12.0));
        }
    }

    @Test
    void outcomesFollowLatentHealthAndSignalsPrecedeThem() throws Exception {
        try (Connection db = open(year)) {
            Map<String, Long> outcomes = new HashMap<>();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT outcome, count(*) FROM pulse__customer_outcomes GROUP BY 1")) {
                while (rs.next()) {
                    outcomes.put(rs.getString(1), rs.getLong(2));
                }
            }
            assertThat(outcomes.get("churned") / 500.0).isBetween(0.05, 0.2);
            assertThat(outcomes.get("downgraded") / 500.0).isBetween(0.04, 0.18);
            assertThat(outcomes.get("upgraded") / 500.0).isBetween(0.04, 0.18);
            assertThat(outcomes.get("renewed")).isPositive();

            // Churned companies go quiet: nothing after the churn.
            assertThat(count(db, CHURNED + "SELECT count(*) FROM pulse__product_usage u JOIN churned c"
                    + " ON c.company_id = u.company_id WHERE u.used_at > c.at")).isZero();

            // Accounts that churn have gone quiet in Salesforce in the 60 days before, compared with everyone
            // else on the same snapshot dates.
            double churners = number(db, BEFORE_CHURN + "SELECT avg(days_since_last_activity) FROM before_churn");
            double others = number(db, BEFORE_CHURN + "SELECT avg(a.days_since_last_activity)"
                    + " FROM salesforce__customer_360_view a"
                    + " WHERE a.account_name NOT IN (SELECT name FROM churned_account)"
                    + " AND a.snapshot_at IN (SELECT snapshot_at FROM before_churn)");
            assertThat(churners).isGreaterThan(1.5 * others);

            // Support volume roughly doubles in the 30 days before a downgrade.
            String window = "SELECT count(*) FROM intercom__conversation_enhanced v"
                    + " JOIN intercom__company_enhanced k ON lower(k.company_name) = lower(trim(v.all_contact_company_names))"
                    + " JOIN pulse__customer_outcomes o ON o.company_id = k.company_id AND o.outcome = 'downgraded'"
                    + " WHERE unixepoch(v.conversation_created_at) - unixepoch(o.outcome_at) BETWEEN %d AND %d";
            long baseline = count(db, String.format(window, -60 * 86_400, -30 * 86_400 - 1));
            long pre = count(db, String.format(window, -30 * 86_400, -1));
            assertThat(pre).isGreaterThan(3 * baseline / 2);
        }
    }

    private static final String CHURNED = "WITH churned AS (SELECT o.company_id, o.outcome_at AS at"
            + " FROM pulse__customer_outcomes o WHERE o.outcome = 'churned') ";

    /**
     * Churned companies by name (names shared by two companies left out), and their Salesforce
     * snapshots in the 60 days before the churn.
     */
    private static final String BEFORE_CHURN = "WITH churned_account AS (SELECT k.company_name AS name, o.outcome_at AS at"
            + " FROM pulse__customer_outcomes o JOIN intercom__company_enhanced k ON k.company_id = o.company_id"
            + " WHERE o.outcome = 'churned' AND k.company_name IN (SELECT company_name FROM intercom__company_enhanced"
            + " GROUP BY 1 HAVING count(DISTINCT website_domain) = 1)),"
            + " before_churn AS (SELECT a.snapshot_at, a.days_since_last_activity FROM salesforce__customer_360_view a"
            + " JOIN churned_account c ON c.name = a.account_name"
            + " WHERE unixepoch(a.snapshot_at) BETWEEN unixepoch(c.at) - 60 * 86400 AND unixepoch(c.at)) ";

    /** Health bands of rules-pack.md section 1 over each account's latest snapshot, min-max over the population. */
    private static Map<String, Long> healthBands(Connection db) throws SQLException {
        String sql = "WITH latest AS (SELECT a.* FROM salesforce__customer_360_view a"
                + "   WHERE a.snapshot_at = (SELECT max(snapshot_at) FROM salesforce__customer_360_view b"
                + "   WHERE b.account_id = a.account_id)),"
                + " bounds AS (SELECT min(annual_revenue) rmin, max(annual_revenue) rmax, max(total_won_amount) wmax,"
                + "   min(number_of_employees) emin, max(number_of_employees) emax FROM latest),"
                + " scored AS (SELECT 100 * ("
                + "   0.4 * (0.5 * min(1, max(0, (117.0 - days_since_last_activity) / 117)) + 0.5 * min(1, total_activities_30d / 480.0))"
                + " + 0.3 * (CASE WHEN total_contacts > 0 THEN 1.0 * contacts_with_email / total_contacts ELSE 0 END)"
                + " + 0.2 * (0.5 * (annual_revenue - rmin) / (rmax - rmin) + 0.5 * total_won_amount / wmax)"
                + " + 0.1 * (0.7 * CASE account_size_segment WHEN 'Enterprise' THEN 1.0 WHEN 'Large' THEN 0.8"
                + "     WHEN 'Mid-Market' THEN 0.6 ELSE 0.4 END"
                + "   + 0.3 * sqrt(1.0 * (number_of_employees - emin) / (emax - emin)))) AS score FROM latest, bounds)"
                + " SELECT CASE WHEN score >= 80 THEN 'High' WHEN score >= 50 THEN 'Medium' ELSE 'Low' END, count(*)"
                + " FROM scored GROUP BY 1";
        return grouped(db, sql);
    }

    /** Value tier x risk tier of rules-pack.md section 2 over each customer's latest customer-360 snapshots. */
    private static Map<String, Long> strategyCells(Connection db) throws SQLException {
        String sql = "WITH value AS (SELECT * FROM (SELECT v.*, row_number() OVER (PARTITION BY primary_email"
                + "   ORDER BY unixepoch(analysis_timestamp) DESC, rowid DESC) rn FROM customer360__customer_value_analysis v)"
                + "   WHERE rn = 1),"
                + " activity AS (SELECT * FROM (SELECT a.*, row_number() OVER (PARTITION BY primary_email"
                + "   ORDER BY unixepoch(activity_analysis_timestamp) DESC, rowid DESC) rn"
                + "   FROM customer360__customer_activity_metrics a) WHERE rn = 1),"
                + " tier AS (SELECT customer_tier, avg(estimated_customer_ltv) AS average FROM value GROUP BY 1)"
                + " SELECT CASE WHEN v.estimated_customer_ltv > t.average AND v.monetary_score >= 4 THEN 'High'"
                + "   WHEN v.estimated_customer_ltv < t.average AND v.monetary_score <= 2 THEN 'Low' ELSE 'Mid' END"
                + " || '/' || CASE WHEN a.activity_risk_level IN ('High', 'High Activity Risk', 'Critical')"
                + "   OR a.engagement_velocity IN ('Declining', 'Stagnant') THEN 'High'"
                + "   WHEN a.activity_risk_level = 'Medium' THEN 'Medium'"
                + "   WHEN a.activity_risk_level IN ('Low', 'Very Low') AND a.engagement_velocity = 'Accelerating' THEN 'Low'"
                + "   ELSE 'Undefined' END, count(*)"
                + " FROM value v JOIN tier t ON t.customer_tier = v.customer_tier"
                + " JOIN activity a ON a.primary_email = v.primary_email GROUP BY 1";
        return grouped(db, sql);
    }

    private static Map<String, Long> grouped(Connection db, String sql) throws SQLException {
        Map<String, Long> result = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getLong(2));
            }
        }
        return result;
    }

    private static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double number(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
