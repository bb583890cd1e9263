package io.pulse.generate;

import io.pulse.history.HistoryDatabase;
import io.pulse.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class AccountOwnersTest {

    @TempDir
    static Path dir;

    /** 640 companies over a year: 8 CSMs and 2 leads. */
    static Path history;

    /**
     * The rows of every table but the new ones, written by the generator before it wrote owners (for
     * the settings of {@link #history}; owner_id left out): digests of each row's typed values in
     * rowid order.
     */
    private static final Map<String, String> ROWS_BEFORE_OWNERS = Map.ofEntries(
            Map.entry("intercom__company_enhanced", "21688e3abfa53c116bd3cf6ca8c2bcd6d45be5bb0e886bc460f8d89dd590dfe1"),
            Map.entry("intercom__company_metrics", "625e6db85255f649b11e6246d005bf5edca0ae0f7e8649a21704aefcf9e1749d"),
            Map.entry("intercom__contact_enhanced", "499418b372ce1e9d51a57b64d35d1cc9adb8f681ce93884c58a5a68b3a523abb"),
            Map.entry("intercom__conversation_enhanced", "c0c44a0ec52ec668bb496edac317e0502b8372d30ade942c7b6c884e76264b8a"),
            Map.entry("intercom__conversation_metrics", "1fcc1e507ca5faf444a1f9c1a16b8f4b95c802110ac4ffa18909cd4305c41b3a"),
            Map.entry("salesforce__customer_360_view", "c1cf64b09e81c93b994e212a5505e75f55170003e9a1d431aec90de6e5717447"),
            Map.entry("salesforce__opportunity_enhanced", "a6a6316a542a7f3daab36fddf554d29ee550635e0de850b76c2fbeea02af73b5"),
            Map.entry("salesforce__contact_enhanced", "4cb354d49b9ef155000590f02d9c68f4bd0d9e263d38e9ec2f1a8d1bd4cd4ad2"),
            Map.entry("customer360__customer_activity_metrics", "a7ed749572a8643bf3f8af666f63a8ac07c76179e6a9a89082577676e71f6435"),
            Map.entry("customer360__conversion_funnel_analysis", "95ea52f9d598053baf89ad9811cbe0e8b3480870bd4533cb5966a0671ae9494e"),
            Map.entry("customer360__customer_value_analysis", "aed46893d5b3814244217b1f3d78da848bd978b728f70e9b2de4e5be6923d708"),
            Map.entry("pulse__product_usage", "fd7afefce64e3962061b676802137cf3fd528dcaab8d739bae7ad09c5338e518"),
            Map.entry("pulse__subscription_changes", "875b45643a6e1c23afa9078e314bb03dd8c065ba8a31a1e9b244366dafa132d5"),
            Map.entry("pulse__customer_outcomes", "f60dfc2e850388747a8ea4e374a96a028943b54f4a1be5c7827f485434b659f9"));

    /** The account snapshots taken on every customer at once: each week's, from the history's first day. */
    private static final String WEEKLY = "CAST(julianday(snapshot_at) - julianday('2025-01-01') AS INTEGER) % 7 = 0";

    @BeforeAll
    static void generate() throws Exception {
        history = dir.resolve("owners.db");
        new HistoryGenerator(new GeneratorSettings(640, 365, 23, history)).generate();
    }

    @Test
    void theOtherRowsAreThoseWrittenBeforeThereWereOwners() throws Exception {
        Map<String, String> digests = new HashMap<>();
        try (Connection db = open(history)) {
            for (String table : ROWS_BEFORE_OWNERS.keySet()) {
                digests.put(table, digest(db, table, Set.of("owner_id")));
            }
        }
        assertThat(digests).isEqualTo(ROWS_BEFORE_OWNERS);
    }

    @Test
    void oneManagerPer80CompaniesAndOneLeadPer6Managers() throws Exception {
        try (Connection db = open(history)) {
            assertThat(roles(db)).isEqualTo(Map.of(AccountOwners.CSM_ROLE, 8L, AccountOwners.LEAD_ROLE, 2L));
        }
        Path demo = dir.resolve("demo-team.db");
        new HistoryGenerator(new GeneratorSettings(2_000, 7, 42, demo)).generate();
        try (Connection db = open(demo)) {
            assertThat(roles(db)).isEqualTo(Map.of(AccountOwners.CSM_ROLE, 25L, AccountOwners.LEAD_ROLE, 5L));
        }
    }

    @Test
    void everyManagerReportsToALeadAndEveryUserHasAnEmailOfTheirOwn() throws Exception {
        try (Connection db = open(history)) {
            assertThat(count(db, "SELECT count(*) FROM salesforce__user u WHERE u.user_role_name = 'Customer Success Manager'"
                    + " AND NOT EXISTS (SELECT 1 FROM salesforce__user m WHERE m.user_id = u.manager_id"
                    + " AND m.user_role_name = 'Customer Success Lead')")).isZero();
            assertThat(count(db, "SELECT count(*) FROM salesforce__user"
                    + " WHERE user_role_name = 'Customer Success Lead' AND (manager_id IS NOT NULL OR is_active <> 1)"))
                    .isZero();
            assertThat(count(db, "SELECT count(DISTINCT email) FROM salesforce__user"))
                    .isEqualTo(count(db, "SELECT count(*) FROM salesforce__user"));
            assertThat(count(db, "SELECT count(*) FROM salesforce__user WHERE name <> first_name || ' ' || last_name"
                    + " OR email <> lower(first_name || '.' || last_name) || '@pulse-cs.example'"
                    + " OR length(user_id) <> 18 OR substr(user_id, 1, 3) <> '005' OR created_date >= '2025-01-01'"))
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM salesforce__user WHERE is_active = 0")).isBetween(1L, 2L);
        }
    }

    @Test
    void everySnapshotIsOwnedByAManagerWhoHasNotLeft() throws Exception {
        try (Connection db = open(history)) {
            assertThat(count(db, "SELECT count(*) FROM salesforce__customer_360_view a WHERE NOT EXISTS (SELECT 1"
                    + " FROM salesforce__user u WHERE u.user_id = a.owner_id AND u.user_role_name = 'Customer Success Manager')"))
                    .isZero();
            Map<String, String> left = departures(db);
            assertThat(left).isNotEmpty();
            for (Map.Entry<String, String> e : left.entrySet()) {
                // On a day in the middle half of the year, after owning accounts.
                assertThat(e.getValue()).isBetween("2025-04-02", "2025-10-01 06");
                assertThat(count(db, "SELECT count(*) FROM salesforce__customer_360_view"
                        + " WHERE owner_id = '" + e.getKey() + "' AND snapshot_at < '" + e.getValue() + "'")).isPositive();
                assertThat(count(db, "SELECT count(*) FROM salesforce__customer_360_view"
                        + " WHERE owner_id = '" + e.getKey() + "' AND snapshot_at >= '" + e.getValue() + "'")).isZero();
                assertThat(count(db, "SELECT count(*) FROM salesforce__account_history"
                        + " WHERE new_value = '" + e.getKey() + "' AND created_date >= '" + e.getValue() + "'")).isZero();
            }
        }
    }

    @Test
    void theAccountHistoryIsEveryChangeOfOwnerBetweenSnapshots() throws Exception {
        try (Connection db = open(history)) {
            assertThat(count(db, "SELECT count(*) FROM salesforce__account_history WHERE field <> 'Owner'"
                    + " OR old_value = new_value OR length(id) <> 18 OR substr(id, 1, 3) <> '017'"
                    + " OR account_id NOT IN (SELECT account_id FROM salesforce__customer_360_view)"))
                    .isZero();
            Map<String, List<String[]>> changes = new HashMap<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT account_id, created_date, old_value, new_value FROM salesforce__account_history ORDER BY id")) {
                while (rs.next()) {
                    changes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            for (List<String[]> account : changes.values()) {
                for (int i = 1; i < account.size(); i++) {
                    assertThat(account.get(i)[1]).as("a change starts from the previous one's owner")
                            .isEqualTo(account.get(i - 1)[2]);
                    assertThat(account.get(i)[0]).isGreaterThanOrEqualTo(account.get(i - 1)[0]);
                }
            }

            // Each snapshot's owner is the one the history gives as of its time, so an owner changes between two
            // snapshots exactly when a change of the history lies between them.
            long snapshots = 0;
            long changed = 0;
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT account_id, snapshot_at, owner_id FROM salesforce__customer_360_view ORDER BY account_id, snapshot_at")) {
                String account = null;
                String firstOwner = null;
                String owner = null;
                while (rs.next()) {
                    if (rs.getString(1).equals(account)) {
                        changed += rs.getString(3).equals(owner) ? 0 : 1;
                    } else {
                        account = rs.getString(1);
                        firstOwner = rs.getString(3);
                    }
                    owner = rs.getString(3);
                    List<String[]> ofAccount = changes.getOrDefault(account, List.of());
                    assertThat(owner).as("%s at %s", account, rs.getString(2))
                            .isEqualTo(ofAccount.isEmpty() ? firstOwner : ownerAt(ofAccount, rs.getString(2)));
                    snapshots++;
                }
            }
            assertThat(snapshots).isPositive();
            assertThat(changed).isPositive();

            // Besides the departures' transfers, about one account in 20 changes hands once.
            long territory = count(db, "SELECT count(*) FROM salesforce__account_history h WHERE NOT EXISTS ("
                    + " SELECT 1 FROM salesforce__user u WHERE u.is_active = 0 AND u.user_id = h.old_value"
                    + " AND h.created_date = (SELECT max(created_date) FROM salesforce__account_history x"
                    + " WHERE x.old_value = u.user_id))");
            assertThat(territory / 640.0).isBetween(0.025, 0.08);
        }
    }

    @Test
    void booksStayBalanced() throws Exception {
        try (Connection db = open(history)) {
            Map<String, String> left = departures(db);
            List<String> managers = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT user_id FROM salesforce__user WHERE user_role_name = 'Customer Success Manager'")) {
                while (rs.next()) {
                    managers.add(rs.getString(1));
                }
            }
            Map<String, Map<String, Long>> books = new TreeMap<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT snapshot_at, owner_id,"
                    + " count(*) FROM salesforce__customer_360_view WHERE " + WEEKLY + " GROUP BY 1, 2")) {
                while (rs.next()) {
                    books.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
                }
            }
            assertThat(books).hasSize(53);
            for (Map.Entry<String, Map<String, Long>> week : books.entrySet()) {
                String at = week.getKey();
                long staying = managers.stream().filter(m -> !left.containsKey(m) || left.get(m).compareTo(at) > 0)
                        .count();
                double mean = week.getValue().values().stream().mapToLong(Long::longValue).sum() / (double) staying;
                assertThat(week.getValue()).as(at).hasSize((int) staying);
                assertThat(week.getValue().values()).as(at).allMatch(book -> book <= 2 * mean);
            }
        }
    }

    @Test
    void sameSettingsGiveTheSameOwners() throws Exception {
        Path again = dir.resolve("again.db");
        new HistoryGenerator(new GeneratorSettings(640, 365, 23, again)).generate();
        try (Connection a = open(history); Connection b = open(again)) {
            for (String table : List.of("salesforce__user", "salesforce__account_history", "salesforce__customer_360_view")) {
                assertThat(digest(b, table, Set.of())).as(table).isEqualTo(digest(a, table, Set.of()));
            }
        }
        assertThat(Files.mismatch(history, again)).isEqualTo(-1);
    }

    @Test
    void postgresGetsTheSameTeamAndOwners() throws Exception {
        HistoryDatabase sqlite = HistoryDatabase.sqlite(dir.resolve("small.db"));
        HistoryDatabase postgres = HistoryDatabase.of(EmbeddedPostgresServer.freshDatabaseUrl());
        for (HistoryDatabase target : List.of(sqlite, postgres)) {
            new HistoryGenerator(new GeneratorSettings(160, 120, 5, GeneratorSettings.DEFAULT_START_DATE, target))
                    .generate();
        }
        for (String query : List.of("SELECT * FROM salesforce__user", "SELECT * FROM salesforce__account_history",
                "SELECT account_id, snapshot_at, owner_id FROM salesforce__customer_360_view")) {
            List<String> expected = sortedRows(sqlite.url(), query);
            assertThat(expected).as(query).isNotEmpty();
            assertThat(sortedRows(postgres.url(), query)).as(query).isEqualTo(expected);
        }
    }

    /** The owner as of a time by an account's changes: the last one's new owner by then, else the first's old one. */
    private static String ownerAt(List<String[]> changes, String at) {
        String owner = changes.get(0)[1];
        for (String[] change : changes) {
            if (change[0].compareTo(at) <= 0) {
                owner = change[2];
            }
        }
        return owner;
    }

    /** Inactive managers and when they left: the time of the last transfer of their accounts. */
    private static Map<String, String> departures(Connection db) throws SQLException {
        Map<String, String> left = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT u.user_id,"
                + " (SELECT max(h.created_date) FROM salesforce__account_history h WHERE h.old_value = u.user_id)"
                + " FROM salesforce__user u WHERE u.is_active = 0")) {
            while (rs.next()) {
                left.put(rs.getString(1), rs.getString(2));
            }
        }
        return left;
    }

    private static Map<String, Long> roles(Connection db) throws SQLException {
        Map<String, Long> roles = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT user_role_name, count(*) FROM salesforce__user GROUP BY 1")) {
            while (rs.next()) {
                roles.put(rs.getString(1), rs.getLong(2));
            }
        }
        return roles;
    }

    /** SHA-256 of a table's rows in rowid order, each value with its Java type, some columns left out. */
    private static String digest(Connection db, String table, Set<String> without) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY rowid")) {
            ResultSetMetaData meta = rs.getMetaData();
            StringBuilder row = new StringBuilder();
            while (rs.next()) {
                row.setLength(0);
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (without.contains(meta.getColumnName(i))) {
                        continue;
                    }
                    Object v = rs.getObject(i);
                    row.append(v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v).append('\u001f');
                }
                sha.update(row.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A query's rows as text, sorted in Java (the databases' collations differ). */
    private static List<String> sortedRows(String url, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getString(i)).append(" | ");
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
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
}
