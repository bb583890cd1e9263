package io.pulse.features.declared;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.events.Column;
import io.pulse.events.ColumnType;
import io.pulse.events.DeclaredTable;
import io.pulse.events.DeclaredTable.CustomerKey;
import io.pulse.features.ObservationLog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code tables} of {@value FeatureDeclarations#FILE}: further tables of the history
 * whose rows declared features count, each checked with its line. Names go into SQL, so each is
 * one plain identifier (a table may be {@code schema.table}): a declaration cannot smuggle SQL.
 *
 * <pre>
 * tables:
 *   - name: RENEWAL_OPPORTUNITY              # what features and live rows call it
 *     table: salesforce__opportunity_enhanced
 *     id: opportunity_id                     # names a row (with its time)
 *     time: created_date                     # when the row happened
 *     customer: { account_id: account_id }   # domain, email, company_id, account_id or conversation_id
 *     columns: { close_date: date, amount: number, opportunity_type: text }
 * </pre>
 */
final class TableDeclarations {
    /** At most this many tables: each is one more reader of the history. */
    static final int MAX_TABLES = 20;
    /** At most this many columns a table carries: what a customer's log holds of one row. */
    static final int MAX_COLUMNS = ObservationLog.MAX_VALUES;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile(IDENTIFIER.pattern() + "(\\." + IDENTIFIER.pattern() + ")?");
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,62}");
    private static final List<String> KEYS = List.of("name", "table", "id", "time", "customer", "columns");

    private final Map<String, Integer> lines;
    private final List<FeatureDeclarations.Problem> problems;

    TableDeclarations(Map<String, Integer> lines, List<FeatureDeclarations.Problem> problems) {
        this.lines = lines;
        this.problems = problems;
    }

    /** The sound tables of {@code list} (the {@code tables} node); {@code taken}: names already in use. */
    List<DeclaredTable> read(JsonNode list, Set<String> taken) {
        List<DeclaredTable> tables = new ArrayList<>();
        if (!list.isArray()) {
            problem("/tables", "tables is a list of tables, each with name, table, id, time, customer and columns");
            return tables;
        }
        if (list.size() > MAX_TABLES) {
            problem("/tables", list.size() + " tables: a pack declares at most " + MAX_TABLES
                    + " (each is one more reader of the history)");
            return tables;
        }
        for (int i = 0; i < list.size(); i++) {
            DeclaredTable t = read(list.get(i), "/tables/" + i, taken);
            if (t != null) {
                taken.add(t.name());
                tables.add(t);
            }
        }
        return tables;
    }

    private DeclaredTable read(JsonNode node, String pointer, Set<String> taken) {
        int before = problems.size();
        if (!node.isObject()) {
            problem(pointer, "a table is a map with name, table, id, time, customer and columns");
            return null;
        }
        String name = text(node, pointer, "name", NAME, "table: a name in capitals, such as RENEWAL_OPPORTUNITY");
        String label = "table " + (name == null ? "#" + pointer.substring(pointer.lastIndexOf('/') + 1) : name);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                problem(pointer + "/" + key, label + ": unknown key \"" + key + "\" (known: " + KEYS + ")");
            }
        }
        if (name != null && taken.contains(name)) {
            problem(pointer + "/name", label + ": the name is taken (by a source of Pulse's or another table)");
        }
        String table = text(node, pointer, "table", TABLE, label + ": the table's name in the history database,"
                + " such as salesforce__opportunity_enhanced");
        String id = text(node, pointer, "id", IDENTIFIER, label + ": the column that names a row, such as"
                + " opportunity_id");
        String time = text(node, pointer, "time", IDENTIFIER, label + ": the column of the row's time, such as"
                + " created_date");
        CustomerKey customerKey = null;
        String customerColumn = null;
        JsonNode customer = node.get("customer");
        String keys = Arrays.stream(CustomerKey.values()).map(CustomerKey::key).toList().toString();
        if (customer == null || !customer.isObject() || customer.size() != 1) {
            problem(customer == null ? pointer : pointer + "/customer", label + ": customer maps a row to its customer"
                    + " by one column, e.g. customer: { company_id: company_id } (one of " + keys + ")");
        } else {
            String key = customer.fieldNames().next();
            customerKey = CustomerKey.byKey(key);
            if (customerKey == null) {
                problem(pointer + "/customer/" + key, label + ": unknown customer key \"" + key + "\" (known: " + keys
                        + ")");
            }
            customerColumn = identifier(customer.get(key), pointer + "/customer/" + key, label + ": customer " + key
                    + " names a column of the table");
        }
        List<Column> columns = columns(node.get("columns"), pointer, label);
        if (problems.size() > before) {
            return null;
        }
        return new DeclaredTable(name, table, time, id, customerKey, customerColumn, columns, line(pointer));
    }

    private List<Column> columns(JsonNode map, String pointer, String label) {
        List<Column> columns = new ArrayList<>();
        String types = Arrays.stream(ColumnType.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList().toString();
        if (map == null || !map.isObject() || map.isEmpty()) {
            problem(map == null ? pointer : pointer + "/columns", label + ": columns maps each column the rows carry"
                    + " to its type, e.g. columns: { close_date: date, amount: number } (types: " + types + ")");
            return columns;
        }
        if (map.size() > MAX_COLUMNS) {
            problem(pointer + "/columns", label + ": " + map.size() + " columns; a table carries at most "
                    + MAX_COLUMNS);
            return columns;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = pointer + "/columns/" + e.getKey();
            if (!IDENTIFIER.matcher(e.getKey()).matches()) {
                problem(at, label + ": \"" + e.getKey() + "\" is not a column name (letters, digits and _)");
                continue;
            }
            ColumnType type = null;
            for (ColumnType t : ColumnType.values()) {
                if (t.name().equalsIgnoreCase(e.getValue().asText(""))) {
                    type = t;
                }
            }
            if (type == null || !e.getValue().isTextual()) {
                problem(at, label + ": column " + e.getKey() + " has type " + e.getValue() + "; types: " + types);
                continue;
            }
            columns.add(new Column(e.getKey(), type));
        }
        return columns;
    }

    private String text(JsonNode node, String pointer, String key, Pattern shape, String needs) {
        JsonNode v = node.get(key);
        if (v == null) {
            problem(pointer, needs + " (\"" + key + "\" is missing)");
            return null;
        }
        if (!v.isTextual() || !shape.matcher(v.asText()).matches()) {
            problem(pointer + "/" + key, needs + ", not " + v);
            return null;
        }
        return v.asText();
    }

    private String identifier(JsonNode v, String at, String needs) {
        if (v == null || !v.isTextual() || !IDENTIFIER.matcher(v.asText()).matches()) {
            problem(at, needs + " (letters, digits and _), not " + v);
            return null;
        }
        return v.asText();
    }

    private int line(String at) {
        return lines.getOrDefault(at, 0);
    }

    private void problem(String at, String message) {
        Integer line = lines.get(at);
        if (line == null) {
            line = lines.getOrDefault(at.substring(0, Math.max(at.lastIndexOf('/'), 0)), 0);
        }
        problems.add(new FeatureDeclarations.Problem(line, message));
    }
}
