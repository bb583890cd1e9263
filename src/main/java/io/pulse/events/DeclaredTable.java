package io.pulse.events;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A table a rule pack declares in {@code features.yaml} so its rows reach declared features, with
 * no Java: where the rows are ({@code table}, in the history database), which column names a row
 * ({@code id}) and places it in time ({@code time}), how a row finds its customer
 * ({@link CustomerKey}) and the columns it carries with their types. Live, its rows arrive as
 * {@link EventType#ROW} events named by {@link #name}.
 *
 * @param name           what features and live rows call it, e.g. {@code RENEWAL_OPPORTUNITY}
 * @param customerColumn the column {@code customerKey} reads
 * @param line           where the declaration starts in its file
 */
public record DeclaredTable(String name, String table, String timeColumn, String idColumn, CustomerKey customerKey,
                            String customerColumn, List<Column> columns, int line) implements Serializable {

    /** How a row of a declared table maps to a customer (the company's website domain). */
    public enum CustomerKey {
        /** The column holds the company's website domain. */
        DOMAIN("domain"),
        /** The column holds a contact's email; its domain is the customer's. */
        EMAIL("email"),
        /** An Intercom {@code company_id}, through {@code intercom__company_enhanced}. */
        COMPANY_ID("company_id"),
        /** A Salesforce {@code account_id}, through its contacts' email domains ({@code salesforce__contact_enhanced}). */
        ACCOUNT_ID("account_id"),
        /** An Intercom {@code conversation_id}, mapped as the conversation itself is. */
        CONVERSATION_ID("conversation_id");

        private final String key;

        CustomerKey(String key) {
            this.key = key;
        }

        /** The key a declaration writes, e.g. {@code customer: { company_id: company_id }}. */
        public String key() {
            return key;
        }

        public static CustomerKey byKey(String key) {
            for (CustomerKey k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }
    }

    public DeclaredTable {
        columns = List.copyOf(columns);
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * {@code row} with this table's columns, in their declared order and types: a column the row
     * lacks is empty (null); one the table does not declare is left out. A text holding a number,
     * a 0/1 for a boolean and an ISO date or timestamp for a date are read as such.
     *
     * @throws IllegalArgumentException a value that is not of its column's type, saying which
     */
    public CustomerEvent.Row typed(CustomerEvent.Row row) {
        Object[] values = new Object[columns.size()];
        StringBuilder kinds = new StringBuilder(values.length);
        String[] texts = new String[values.length];
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            int at = List.of(row.columns).indexOf(c.name());
            Object v = at < 0 ? null : row.value(at);
            try {
                values[i] = v == null ? null : c.type() == ColumnType.TEXT && v instanceof Double
                        ? new BigDecimal(row.values[at]).stripTrailingZeros().toPlainString() // the number's exact text
                        : typed(v, c.type());
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IllegalArgumentException(name + "." + c.name() + ": " + quoted(v) + " is not "
                        + article(c.type()), e);
            }
            if (values[i] == null) {
                kinds.append(CustomerEvent.Row.NONE);
            } else {
                kinds.append(switch (c.type()) {
                    case TEXT -> CustomerEvent.Row.TEXT;
                    case NUMBER -> CustomerEvent.Row.NUMBER;
                    case BOOLEAN -> CustomerEvent.Row.BOOLEAN;
                    case DATE -> CustomerEvent.Row.DATE;
                });
                texts[i] = values[i].toString();
            }
        }
        CustomerEvent.Row typed = new CustomerEvent.Row();
        typed.table = name;
        typed.columns = columnNames().toArray(String[]::new);
        typed.values = texts;
        typed.kinds = kinds.toString();
        return typed;
    }

    private static Object typed(Object v, ColumnType type) {
        return switch (type) {
            case TEXT -> v.toString(); // text or a boolean: a number is taken as its exact text before
            case NUMBER -> v instanceof Double d ? d : Double.valueOf(number(v));
            case BOOLEAN -> v instanceof Boolean b ? b : bool(v);
            case DATE -> v instanceof Double d ? d : (double) epochMillis(text(v));
        };
    }

    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static double number(Object v) {
        return Double.parseDouble(text(v).trim());
    }

    private static String text(Object v) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("not text");
        }
        return s;
    }

    private static boolean bool(Object v) {
        String s = v instanceof Double d ? plain(d) : text(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "t", "yes", "1" -> true;
            case "false", "f", "no", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    /** An ISO date (its day's start, UTC), or a timestamp with or without an offset (UTC without). */
    static long epochMillis(String text) {
        String s = text.trim().replace(' ', 'T');
        if (s.length() == 10) {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli(); // Z is an offset too
        } catch (DateTimeParseException noOffset) {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }

    private static String quoted(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v instanceof Double d ? plain(d) : v);
    }

    private static String article(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case DATE -> "a date (ISO 8601, e.g. 2026-03-01)";
        };
    }
}
