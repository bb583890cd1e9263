package io.pulse.history;

import io.pulse.events.Column;
import io.pulse.events.ColumnType;
import io.pulse.events.CustomerEvent;
import io.pulse.events.DeclaredTable;
import io.pulse.events.DeclaredTable.CustomerKey;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.jdbc.SqlDialect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declared table's query (SQLite) maps each row to the customer Pulse's own tables give the same
 * company, by each kind of customer key, and names what it cannot read.
 */
class DeclaredTableQueriesTest {
    @TempDir
    static Path dir;
    static String url;

    @BeforeAll
    static void generate() throws Exception {
        HistoryDatabase history = HistoryDatabase.sqlite(dir.resolve("history.sqlite"));
        new HistoryGenerator(new GeneratorSettings(12, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        url = history.url();
    }

    /** The customer and the values of each row the declared query reads, by row id. */
    private static Map<String, String> read(DeclaredTable table) throws Exception {
        HistoryQueries.Query q = HistoryQueries.declared(SqlDialect.SQLITE, table);
        Map<String, String> read = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(q.sql())) {
            while (rs.next()) {
                CustomerEvent e = q.extractor().extract(rs);
                read.put(e.source, e.customerId + " " + java.util.Arrays.asList(e.row.values()));
            }
        }
        return read;
    }

    private static DeclaredTable table(CustomerKey key, String column) {
        return new DeclaredTable("KEYED", "keyed_rows", "at", "row_id", key, column,
                List.of(new Column("note", ColumnType.TEXT)), 2);
    }

    @Test
    void eachKindOfCustomerKeyFindsTheCustomerPulsesOwnTablesGiveTheCompany() throws Exception {
        String company = rows(url, "SELECT company_id || ' ' || lower(website_domain) FROM intercom__company_enhanced"
                + " ORDER BY company_id LIMIT 1").get(0);
        String companyId = company.split(" ")[0];
        String domain = company.split(" ")[1];
        String email = rows(url, "SELECT contact_email FROM intercom__contact_enhanced WHERE lower(contact_email) LIKE"
                + " '%@" + domain + "' LIMIT 1").get(0);
        // Pulse's own queries say which customer an account and a conversation belong to.
        String account = firstOf(HistoryQueries.all(SqlDialect.SQLITE).get(0), "salesforce__customer_360_view:");
        String conversation = firstOf(HistoryQueries.all(SqlDialect.SQLITE).get(5), "intercom__conversation_enhanced:");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keyed_rows (row_id INTEGER, at TEXT, domain TEXT, email TEXT, company_id TEXT,"
                    + " account_id TEXT, conversation_id TEXT, note TEXT)");
            s.execute("INSERT INTO keyed_rows VALUES (1, '2025-01-05 10:00:00', ' " + domain.toUpperCase() + " ', '"
                    + email + "', '" + companyId + "', '" + account.split(" ")[0] + "', '" + conversation.split(" ")[0]
                    + "', 'first')");
            s.execute("INSERT INTO keyed_rows VALUES (2, '2025-01-06', 'nobody.example', 'x@nobody.example',"
                    + " 'ffffffffffffffffffffffff', '001000000000000AAA', '999999999999999', NULL)");
        }
        assertThat(read(table(CustomerKey.DOMAIN, "domain"))).containsExactly(
                Map.entry("keyed_rows:1", domain + " [first]"), Map.entry("keyed_rows:2", "nobody.example [null]"));
        assertThat(read(table(CustomerKey.EMAIL, "email")).get("keyed_rows:1")).isEqualTo(domain + " [first]");
        assertThat(read(table(CustomerKey.COMPANY_ID, "company_id"))).containsExactly(
                Map.entry("keyed_rows:1", domain + " [first]"), Map.entry("keyed_rows:2", "null [null]"));
        assertThat(read(table(CustomerKey.ACCOUNT_ID, "account_id"))).containsExactly(
                Map.entry("keyed_rows:1", account.split(" ")[1] + " [first]"), Map.entry("keyed_rows:2", "null [null]"));
        assertThat(read(table(CustomerKey.CONVERSATION_ID, "conversation_id"))).containsExactly(
                Map.entry("keyed_rows:1", conversation.split(" ")[1] + " [first]"),
                Map.entry("keyed_rows:2", "null [null]"));
    }

    @Test
    void aTableOrColumnTheHistoryLacksIsNamedWithItsDeclarationsLine() throws Exception {
        DeclaredTable missingTable = new DeclaredTable("GONE", "no_such_table", "at", "id", CustomerKey.DOMAIN, "d",
                List.of(new Column("x", ColumnType.TEXT)), 4);
        DeclaredTable missingColumn = new DeclaredTable("USAGE", "pulse__product_usage", "used_at", "usage_id",
                CustomerKey.COMPANY_ID, "company_id", List.of(new Column("feature_name", ColumnType.TEXT)), 11);
        DeclaredTable fine = new DeclaredTable("USAGE_ROWS", "pulse__product_usage", "used_at", "usage_id",
                CustomerKey.COMPANY_ID, "company_id", List.of(new Column("feature", ColumnType.TEXT)), 18);
        List<String> problems = HistorySource.unreadableTables(url, List.of(missingTable, missingColumn, fine),
                "features.yaml");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("features.yaml:4: table GONE (no_such_table, columns [x]) cannot be"
                + " read from the history").contains("no such table: no_such_table");
        assertThat(problems.get(1)).startsWith("features.yaml:11: table USAGE").contains("feature_name");
    }

    /** The id and customer of the first event of a built-in query. */
    private static String firstOf(HistoryQueries.Query q, String sourcePrefix) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(q.sql())) {
            while (rs.next() && found.isEmpty()) {
                CustomerEvent e = q.extractor().extract(rs);
                if (e.customerId != null) {
                    found.add(e.source.substring(sourcePrefix.length()) + " " + e.customerId);
                }
            }
        }
        return found.get(0);
    }
}
