package io.pulse.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryDatabase;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.FeatureProbes;
import io.pulse.testing.RulePackFixtures;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table Pulse does not know, declared in the rule pack's features.yaml with no Java: its rows,
 * read from a SQLite or a PostgreSQL history (MiniCluster, parallelism 2), reach a declared
 * feature ({@code days_until} a renewal date) that a rule reads, with the values a plain reading
 * of the table gives; its bad rows end in the dead letters with the reason.
 */
class DeclaredTablesITCase {
    private static final LocalDate START = LocalDate.of(2025, 1, 1);
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final String UNKNOWN_COMPANY = "ffffffffffffffffffffffff";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    /** A row of the renewals table, as the test writes it. */
    record Renewal(String id, String companyId, LocalDateTime createdAt, LocalDate renewalDate, String arr, String stage) {}

    @ParameterizedTest(name = "{0} history")
    @ValueSource(strings = {"SQLite", "PostgreSQL"})
    void aDeclaredTablesRowsReachTheRulesAsTheTableHasThem(String database) throws Exception {
        HistoryDatabase history = database.equals("SQLite") ? HistoryDatabase.sqlite(dir.resolve("history.sqlite"))
                : HistoryDatabase.of(EmbeddedPostgresServer.freshDatabaseUrl());
        new HistoryGenerator(new GeneratorSettings(40, 120, 31, START, history)).generate();
        Map<String, String> domainOfCompany = domainOfCompany(history.url());
        List<Renewal> renewals = renewals(domainOfCompany);
        writeRenewals(history.url(), renewals);

        Path pack = RulePackFixtures.copyOfPack(Files.createDirectory(dir.resolve("rules")));
        Files.writeString(pack.resolve("features.yaml"), """
                tables:
                  - name: CRM_RENEWAL
                    table: crm__renewals
                    id: renewal_id
                    time: created_at
                    customer: { company_id: company_id }
                    columns: { renewal_date: date, arr: number, stage: text }
                features:
                  - name: renewalInDays
                    days_until: CRM_RENEWAL.renewal_date
                    window_days: 90
                    where: { stage: { not_equals: Closed } }
                """);
        Files.writeString(pack.resolve("renewal-probe.drl"), """
                package pulse.rules;

                import io.pulse.rules.facts.RecommendedAction;

                rule "Probe: days until the open renewal"
                when
                    Features( $renewalInDays : renewalInDays, renewalInDays != null )
                then
                    insert(RecommendedAction.opportunity("FEATURE_PROBE", "Read the renewal in the reasons"));
                end
                """);
        String terms = "\"RED_ALERT\":            { \"priority\": 1, \"slaHours\": 24 },";
        RulePackFixtures.edit(pack.resolve("parameters.json"), terms, terms
                + "\n    \"FEATURE_PROBE\":        { \"priority\": 5, \"slaHours\": 720 },");
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();

        new PulseJob(PulseJob.history(history.url()), PulseJob.jdbc(db), RuleSet.load(pack),
                PulseJob.Settings.defaults().withParallelism(2).withCheckpointDirectory(dir.resolve("cp").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Declared tables ITCase " + database);

        List<String> probes = rows(sink, "SELECT customer_id || '|' || valid_as_of || '|' || pipeline_status || '|'"
                + " || reasons FROM recommended_actions WHERE action = 'FEATURE_PROBE'");
        long customersWithRenewals = renewals.stream().map(r -> domainOfCompany.get(r.companyId()))
                .filter(d -> d != null).distinct().count();
        assertThat(probes).as("a customer with an open renewal row in the last 90 days gets a probe")
                .hasSizeGreaterThan((int) customersWithRenewals / 2);
        List<Integer> seen = new ArrayList<>();
        int retired = 0;
        for (String probe : probes) {
            String[] parts = probe.split("\\|", 4);
            long asOf = Instant.parse(parts[1]).toEpochMilli();
            Integer expected = daysUntilOpenRenewal(renewals, domainOfCompany, parts[0], asOf);
            if (parts[2].equals("SUPERSEDED")) {
                // The probe stopped firing as of valid_as_of: the feature became null then.
                assertThat(expected).as(probe).isNull();
                retired++;
                continue;
            }
            JsonNode facts = FeatureProbes.probeFacts(parts[3]);
            assertThat(facts.get("renewalInDays").asInt()).as(probe).isEqualTo(expected);
            seen.add(facts.get("renewalInDays").asInt());
        }
        assertThat(retired).as("some renewals left the 90-day window").isPositive();
        assertThat(seen.stream().distinct().count()).as("values differ between customers").isGreaterThan(5);
        assertThat(rows(sink, "SELECT source || ': ' || reason FROM dead_letters")).containsExactlyInAnyOrder(
                "crm__renewals:r-unknown: no customer matches the row (company name, company id or email domain unknown)",
                "crm__renewals:r-bad-arr: CRM_RENEWAL.arr: \"n/a\" is not a number");
    }

    /** Days from the evaluated day to the renewal date of the customer's latest open row of the 90 days before. */
    private static Integer daysUntilOpenRenewal(List<Renewal> renewals, Map<String, String> domainOfCompany,
                                                String customer, long asOf) {
        Renewal latest = null;
        for (Renewal r : renewals) {
            long created = r.createdAt().toInstant(ZoneOffset.UTC).toEpochMilli();
            boolean numeric = r.arr().matches("[0-9.]+"); // the job sends a row with another arr to the dead letters
            if (customer.equals(domainOfCompany.get(r.companyId())) && numeric && !r.stage().equals("Closed")
                    && created >= asOf - 90 * DAY && created < asOf
                    && (latest == null || created >= latest.createdAt().toInstant(ZoneOffset.UTC).toEpochMilli())) {
                latest = r;
            }
        }
        if (latest == null) {
            return null;
        }
        return (int) (latest.renewalDate().toEpochDay() - Math.floorDiv(asOf - 1, DAY));
    }

    private static Map<String, String> domainOfCompany(String url) throws Exception {
        Map<String, String> domains = new HashMap<>();
        for (String row : rows(url, "SELECT DISTINCT company_id || '|' || lower(website_domain)"
                + " FROM intercom__company_enhanced")) {
            String[] parts = row.split("\\|");
            domains.put(parts[0], parts[1]);
        }
        return domains;
    }

    /**
     * Renewal rows for three companies in four: one early in the history, and for some a second,
     * later one (open, or closed: the feature leaves those out); one of a company no customer
     * has, one with an arr that is not a number.
     */
    private static List<Renewal> renewals(Map<String, String> domainOfCompany) {
        List<Renewal> rows = new ArrayList<>();
        List<String> companies = new ArrayList<>(domainOfCompany.keySet());
        companies.sort(null);
        for (int i = 0; i < companies.size(); i++) {
            if (i % 4 == 3) {
                continue;
            }
            LocalDateTime created = START.atStartOfDay().plusDays(i * 3 % 40).plusHours(9 + i % 8);
            rows.add(new Renewal("r-" + i + "-a", companies.get(i), created,
                    created.toLocalDate().plusDays(20 + i * 11 % 100), Integer.toString(10_000 + 1_000 * i), "Open"));
            if (i % 4 == 1) {
                LocalDateTime later = START.atStartOfDay().plusDays(60 + i % 20).plusHours(14);
                rows.add(new Renewal("r-" + i + "-b", companies.get(i), later, later.toLocalDate().plusDays(45 + i),
                        "25000.5", i % 8 == 1 ? "Closed" : "Open"));
            }
        }
        rows.add(new Renewal("r-unknown", UNKNOWN_COMPANY, START.atStartOfDay().plusDays(10), START.plusDays(80),
                "1000", "Open"));
        rows.add(new Renewal("r-bad-arr", companies.get(0), START.atStartOfDay().plusDays(70), START.plusDays(150),
                "n/a", "Open"));
        return rows;
    }

    private static void writeRenewals(String url, List<Renewal> renewals) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE crm__renewals (renewal_id TEXT PRIMARY KEY, company_id TEXT, created_at TEXT,"
                        + " renewal_date TEXT, arr TEXT, stage TEXT)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO crm__renewals VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Renewal r : renewals) {
                    insert.setString(1, r.id());
                    insert.setString(2, r.companyId());
                    insert.setString(3, r.createdAt().toString().replace('T', ' '));
                    insert.setString(4, r.renewalDate().toString());
                    insert.setString(5, r.arr());
                    insert.setString(6, r.stage());
                    insert.executeUpdate();
                }
            }
        }
    }
}
