package io.pulse.features.declared;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.features.BuiltInSources;
import io.pulse.features.Observation;
import io.pulse.features.ObservationLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureDeclarationsTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** Midnight after day 100: the evaluation of day 100. */
    private static final long AS_OF = 101 * DAY;

    private static FeatureDeclarations parse(String yaml, List<FeatureDeclarations.Problem> problems) {
        return FeatureDeclarations.parse(yaml, BuiltInSources.all(), problems);
    }

    private static FeatureDeclarations parse(String yaml) {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = parse(yaml, problems);
        assertThat(problems).isEmpty();
        return declared;
    }

    private static Observation conversation(EventType type, int day, String tags, double rating) {
        CustomerEvent e = new CustomerEvent(type, "acme.com", day * DAY + 3_600_000, "intercom:" + day + tags);
        e.conversation = new CustomerEvent.Conversation();
        e.conversation.conversationId = "c" + day;
        e.conversation.tags = tags;
        e.conversation.rating = rating;
        e.conversation.firstResponseMinutes = -1;
        return BuiltInSources.observe(e);
    }

    private static Observation usage(int day, String feature) {
        CustomerEvent e = new CustomerEvent(EventType.PRODUCT_USAGE, "acme.com", day * DAY + 7_200_000,
                "usage:" + day + feature);
        e.usage = new CustomerEvent.ProductUsage();
        e.usage.feature = feature;
        return BuiltInSources.observe(e);
    }

    private static ObservationLog log(Observation... rows) {
        ObservationLog log = new ObservationLog();
        log.addAll(List.of(rows));
        return log;
    }

    @Test
    void eachAggregateCountsTheMatchingRowsOfItsWindow() {
        FeatureDeclarations declared = parse("""
                features:
                  - name: implementationConversations45d
                    count: CONVERSATION_CREATED
                    window_days: 45
                    where:
                      all_conversation_tags: { has_tag: Implementation }
                  - name: distinctFeatures14d
                    distinct_count: PRODUCT_USAGE.feature
                    window_days: 14
                  - name: poorlyRatedShare90d
                    share: CONVERSATION_CLOSED
                    window_days: 90
                    where: { conversation_rating: { gt: 0 } }
                    matching: { conversation_rating: { lte: 2 } }
                  - name: averageRating90d
                    average: CONVERSATION_CLOSED.conversation_rating
                    window_days: 90
                    where: { conversation_rating: { gt: 0 } }
                  - name: lowestRating90d
                    min: CONVERSATION_CLOSED.conversation_rating
                    window_days: 90
                  - name: lastFeatureUsed
                    latest: PRODUCT_USAGE.feature
                  - name: daysSinceReportsUsed
                    days_since: PRODUCT_USAGE
                    where: { feature: { in: [reports, Dashboards] } }
                  - name: billingConversations30d
                    count: CONVERSATION_CREATED
                    window_days: 30
                    where: { all_conversation_tags: { has_tag: "topic:billing" } }
                """);
        ObservationLog log = log(
                conversation(EventType.CONVERSATION_CREATED, 40, "Implementation, API", 0), // before the 45 days
                conversation(EventType.CONVERSATION_CREATED, 60, "Implementation", 0),
                conversation(EventType.CONVERSATION_CREATED, 99, "Bug, implementation", 0),
                conversation(EventType.CONVERSATION_CREATED, 98, "topic:billing|channel:email", 0),
                conversation(EventType.CONVERSATION_CREATED, 97, "Implementations", 0), // not the tag
                conversation(EventType.CONVERSATION_CLOSED, 50, "", 1),
                conversation(EventType.CONVERSATION_CLOSED, 70, "", 4),
                conversation(EventType.CONVERSATION_CLOSED, 80, "", 0), // not rated
                conversation(EventType.CONVERSATION_CLOSED, 90, "", 2),
                usage(80, "reports"), usage(88, "exports"), usage(95, "exports"), usage(96, "Exports"),
                usage(97, "search"), usage(101, "future")); // after the evaluation: not seen

        Map<String, Object> values = declared.valuesOf(log, AS_OF);

        assertThat(values).containsEntry("implementationConversations45d", 2)
                .containsEntry("distinctFeatures14d", 2) // exports (any case), search; reports was day 80
                .containsEntry("poorlyRatedShare90d", 2 / 3.0) // 1 and 2 of 1, 4, 2
                .containsEntry("averageRating90d", 7 / 3.0)
                .containsEntry("lowestRating90d", 0.0)
                .containsEntry("lastFeatureUsed", "search")
                .containsEntry("daysSinceReportsUsed", 20)
                .containsEntry("billingConversations30d", 1);
        assertThat(declared.drl("pulse.rules")).contains("declare Features", "implementationConversations45d : int",
                "poorlyRatedShare90d : Double", "lastFeatureUsed : String", "daysSinceReportsUsed : Integer");
    }

    @Test
    void withNoRowsCountsAreZeroAndTheRestIsEmpty() {
        FeatureDeclarations declared = parse("""
                features:
                  - { name: conversations30d, count: CONVERSATION_CREATED, window_days: 30 }
                  - { name: spendDeltas, sum: PLAN_CHANGE.monthly_spend_delta, window_days: 90 }
                  - { name: averageRating, average: CONVERSATION_CLOSED.conversation_rating, window_days: 90 }
                  - { name: daysSinceUsage, days_since: PRODUCT_USAGE }
                """);
        Map<String, Object> values = declared.valuesOf(new ObservationLog(), AS_OF);
        assertThat(values.keySet()).containsExactly("conversations30d", "spendDeltas", "averageRating", "daysSinceUsage");
        assertThat(values.get("conversations30d")).isEqualTo(0);
        assertThat(values.get("spendDeltas")).isEqualTo(0.0);
        assertThat(values.get("averageRating")).isNull();
        assertThat(values.get("daysSinceUsage")).isNull();
    }

    @Test
    void everyProblemNamesItsLine() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = parse("""
                features:
                  - name: fine
                    count: CONVERSATION_CREATED
                    window_days: 30
                  - name: unknownSource
                    count: CONVERSATIONS
                    window_days: 30
                  - name: unknownColumn
                    distinct_count: PRODUCT_USAGE.feature_name
                    window_days: 14
                  - name: tooLong
                    count: PRODUCT_USAGE
                    window_days: 365
                  - name: sumOfText
                    sum: PRODUCT_USAGE.feature
                    window_days: 30
                  - name: badFilter
                    count: CONVERSATION_CLOSED
                    window_days: 30
                    where:
                      conversation_rating: { above: 3 }
                      sla_status: { gt: 2 }
                      all_conversation_tags: { in: Bug }
                  - name: fine
                    count: PRODUCT_USAGE
                    window_days: 30
                  - name: Bad-Name
                    count: PRODUCT_USAGE
                    window_days: 30
                  - name: noAggregate
                    window_days: 30
                  - name: shareWithoutMatching
                    share: CONVERSATION_CLOSED
                    window_days: 30
                  - name: typo
                    count: PRODUCT_USAGE
                    windowDays: 30
                """, problems);

        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "6: feature \"unknownSource\": unknown source \"CONVERSATIONS\" (known: [COMPANY_SNAPSHOT,"
                        + " CONVERSATION_CLOSED, CONVERSATION_CREATED, PLAN_CHANGE, PRODUCT_USAGE])",
                "9: feature \"unknownColumn\": PRODUCT_USAGE has no column \"feature_name\" (columns: [feature,"
                        + " contact_email])",
                "13: feature \"tooLong\": window_days must be a whole number of days from 1 to 90 (how long Pulse"
                        + " keeps each customer's rows), not 365",
                "15: feature \"sumOfText\": sum needs a number column; feature holds text",
                "21: feature \"badFilter\": unknown filter \"above\" on conversation_rating (filters: [equals,"
                        + " not_equals, in, not_in, contains, has_tag, gt, gte, lt, lte])",
                "22: feature \"badFilter\": gt does not apply to sla_status, which holds text",
                "23: feature \"badFilter\": in on all_conversation_tags takes a list of values",
                "24: feature \"fine\" is declared twice (first at line 2)",
                "27: feature \"Bad-Name\": a name is one word in lowerCamelCase (letters and digits), such as"
                        + " implementationConversations45d",
                "30: feature \"noAggregate\" needs one aggregate: [average, count, days_since, days_until, distinct_count,"
                        + " latest, max, min, share, sum]",
                "32: feature \"shareWithoutMatching\": a share needs \"matching\": the rows it is the share of",
                "37: feature \"typo\": unknown key \"windowDays\" (known: [name, window_days, where, matching]"
                        + " and one aggregate of [average, count, days_since, days_until, distinct_count, latest, max, min, share,"
                        + " sum])",
                "35: feature \"typo\": count needs \"window_days\" (1 to 90)");
        assertThat(declared.features()).extracting(FeatureDeclaration::name).containsExactly("fine");
    }

    @Test
    void aHostileAuthorCannotNameAFeatureAfterDrlNorDeclareWithoutLimit() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        parse("features:\n  - { name: end, count: PRODUCT_USAGE, window_days: 30 }\n"
                + "  - { name: when, count: PRODUCT_USAGE, window_days: 30 }\n", problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "2: feature \"end\": end is a word of DRL itself; name the feature after what it counts",
                "3: feature \"when\": when is a word of DRL itself; name the feature after what it counts");

        problems.clear();
        StringBuilder many = new StringBuilder("features:\n");
        for (int i = 0; i <= FeatureDeclarations.MAX_FEATURES; i++) {
            many.append("  - { name: usage").append(i).append(", count: PRODUCT_USAGE, window_days: 30 }\n");
        }
        assertThat(parse(many.toString(), problems).isEmpty()).isTrue();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
                .isEqualTo("101 features: a pack declares at most 100 (each is computed at every evaluation of every customer)"));
    }

    @Test
    void malformedYamlIsOneProblemAtItsLine() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        parse("features:\n  - name: a\n    count: [unclosed\n", problems);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isBetween(3, 4);
            assertThat(p.message()).startsWith("not valid YAML: ");
        });
    }

    private static final String RENEWALS = """
            tables:
              - name: CRM_RENEWAL
                table: crm.renewals
                id: renewal_id
                time: created_at
                customer: { company_id: company_id }
                columns: { renewal_date: date, arr: number, stage: text }
            """;

    @Test
    void aDeclaredTableIsASourceFeaturesReadAndDaysUntilCountsToItsDate() {
        FeatureDeclarations declared = parse(RENEWALS + """
                features:
                  - name: renewalInDays
                    days_until: CRM_RENEWAL.renewal_date
                    where: { stage: { not_equals: Closed } }
                  - name: openArr
                    sum: CRM_RENEWAL.arr
                    window_days: 90
                    where: { stage: Open }
                """);
        assertThat(declared.tables()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("CRM_RENEWAL");
            assertThat(t.table()).isEqualTo("crm.renewals");
            assertThat(t.idColumn()).isEqualTo("renewal_id");
            assertThat(t.timeColumn()).isEqualTo("created_at");
            assertThat(t.customerColumn()).isEqualTo("company_id");
            assertThat(t.customerKey()).isEqualTo(io.pulse.events.DeclaredTable.CustomerKey.COMPANY_ID);
            assertThat(t.columnNames()).containsExactly("renewal_date", "arr", "stage");
            assertThat(t.line()).isEqualTo(2);
        });
        ObservationLog log = log(
                renewal(10, 130, 20_000, "Open"),
                renewal(60, 150, 5_000, "Closed"),
                renewal(80, 95, 1_000, "Open"));
        assertThat(declared.valuesOf(log, AS_OF)).containsEntry("renewalInDays", -5)
                .as("the latest open row's date, 5 days past").containsEntry("openArr", 1_000.0);
        assertThat(declared.valuesOf(log, 90 * DAY)).containsEntry("renewalInDays", 6)
                .containsEntry("openArr", 21_000.0);
        assertThat(declared.valuesOf(log, 10 * DAY)).as("before the first row")
                .containsEntry("renewalInDays", null);
        assertThat(declared.drl("pulse.rules")).contains("renewalInDays : Integer", "openArr : double");
    }

    /** A CRM_RENEWAL row made on {@code day} for a renewal on {@code renewalDay}. */
    private static Observation renewal(int day, int renewalDay, double arr, String stage) {
        return new Observation("CRM_RENEWAL", day * DAY + 3_600_000, "crm__renewals:" + day,
                new Object[] {(double) (renewalDay * DAY), arr, stage});
    }

    @Test
    void everyProblemOfATableNamesItsLineAndTheFeaturesReadingItAreNotChecked() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = parse("""
                tables:
                  - name: crm_renewal
                    table: "renewals; DROP TABLE x"
                    id: renewal_id
                    customer: { company: company_id }
                    columns: { renewal_date: calendar, "bad column": text }
                  - name: PRODUCT_USAGE
                    table: usage
                    id: id
                    time: at
                    customer: { email: email }
                    columns: { feature: text }
                    owner: cs
                features:
                  - name: renewalInDays
                    days_until: CRM_RENEWAL.renewal_date
                """, problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "2: table: a name in capitals, such as RENEWAL_OPPORTUNITY, not \"crm_renewal\"",
                "3: table #0: the table's name in the history database, such as salesforce__opportunity_enhanced,"
                        + " not \"renewals; DROP TABLE x\"",
                "2: table #0: the column of the row's time, such as created_date (\"time\" is missing)",
                "5: table #0: unknown customer key \"company\" (known: [domain, email, company_id, account_id,"
                        + " conversation_id])",
                "6: table #0: column renewal_date has type \"calendar\"; types: [text, number, boolean, date]",
                "6: table #0: \"bad column\" is not a column name (letters, digits and _)",
                "13: table PRODUCT_USAGE: unknown key \"owner\" (known: [name, table, id, time, customer, columns])",
                "7: table PRODUCT_USAGE: the name is taken (by a source of Pulse's or another table)");
        assertThat(declared.features()).isEmpty();
    }

    @Test
    void daysUntilReadsADateColumnAndADateIsNeitherFilteredNorReadAsLatest() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        parse(RENEWALS + """
                features:
                  - name: arrUntil
                    days_until: CRM_RENEWAL.arr
                  - name: renewalDate
                    latest: CRM_RENEWAL.renewal_date
                  - name: soon
                    count: CRM_RENEWAL
                    window_days: 30
                    where: { renewal_date: { lt: 5 } }
                """, problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "10: feature \"arrUntil\": days_until needs a date column; arr holds number",
                "12: feature \"renewalDate\": renewal_date holds dates: read it with days_until: CRM_RENEWAL.renewal_date",
                "16: feature \"soon\": lt does not apply to renewal_date, which holds date");
    }

    @Test
    void aTableCarriesAtMostThirtyOneColumnsAndAPackDeclaresAtMostTwentyTables() {
        StringBuilder columns = new StringBuilder();
        for (int i = 0; i <= io.pulse.features.ObservationLog.MAX_VALUES; i++) {
            columns.append(i == 0 ? "" : ", ").append("c").append(i).append(": text");
        }
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        parse("""
                tables:
                  - name: WIDE
                    table: wide
                    id: id
                    time: at
                    customer: { domain: domain }
                    columns: { %s }
                features: []
                """.formatted(columns), problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message())
                .containsExactly("7: table WIDE: 32 columns; a table carries at most 31");

        StringBuilder tables = new StringBuilder("tables:\n");
        for (int i = 0; i <= 20; i++) {
            tables.append("  - { name: T").append(i).append(", table: t, id: id, time: at, customer: { domain: d },"
                    + " columns: { a: text } }\n");
        }
        problems.clear();
        FeatureDeclarations declared = parse(tables + "features: []\n", problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message())
                .containsExactly("1: 21 tables: a pack declares at most 20 (each is one more reader of the history)");
        assertThat(declared.tables()).isEmpty();
        problems.clear();
        assertThat(parse(tables.substring(0, tables.lastIndexOf("  - ")) + "features: []\n", problems).tables())
                .hasSize(20);
        assertThat(problems).isEmpty();
    }

    @Test
    void aTableEntryThatIsNotWhatATableNeedsSaysWhatItNeeds() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        parse("tables: CRM\nfeatures: []\n", problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "1: tables is a list of tables, each with name, table, id, time, customer and columns");
        problems.clear();
        FeatureDeclarations declared = parse("""
                tables:
                  - just a name
                  - name: NO_CUSTOMER
                    table: t
                    id: id
                    time: at
                    columns: { a: text }
                  - name: NO_COLUMNS
                    table: t
                    id: id
                    time: at
                    customer: { email: "contact email" }
                  - name: EMPTY_COLUMNS
                    table: t
                    id: id
                    time: at
                    customer: { domain: d, email: e }
                    columns: {}
                  - name: FINE
                    table: t
                    id: id
                    time: at
                    customer: { domain: website_domain }
                    columns: { a: TEXT }
                features: []
                """, problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "2: a table is a map with name, table, id, time, customer and columns",
                "3: table NO_CUSTOMER: customer maps a row to its customer by one column, e.g. customer: { company_id:"
                        + " company_id } (one of [domain, email, company_id, account_id, conversation_id])",
                "12: table NO_COLUMNS: customer email names a column of the table (letters, digits and _), not"
                        + " \"contact email\"",
                "8: table NO_COLUMNS: columns maps each column the rows carry to its type, e.g. columns: { close_date:"
                        + " date, amount: number } (types: [text, number, boolean, date])",
                "17: table EMPTY_COLUMNS: customer maps a row to its customer by one column, e.g. customer: {"
                        + " company_id: company_id } (one of [domain, email, company_id, account_id, conversation_id])",
                "18: table EMPTY_COLUMNS: columns maps each column the rows carry to its type, e.g. columns: {"
                        + " close_date: date, amount: number } (types: [text, number, boolean, date])");
        assertThat(declared).isSameAs(FeatureDeclarations.NONE);
    }
}
