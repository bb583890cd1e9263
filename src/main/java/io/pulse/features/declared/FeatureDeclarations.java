package io.pulse.features.declared;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pulse.events.ColumnType;
import io.pulse.events.DeclaredTable;
import io.pulse.features.ObservationLog;
import io.pulse.features.Source;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.lang.model.SourceVersion;

/**
 * The features a rule pack declares in {@value #FILE}, read and checked against the sources Pulse
 * knows: each problem (an unknown source, column, aggregate or filter, a window too long, a name
 * DRL cannot use) with its line. The rules read them as fields of one {@code Features} fact.
 *
 * <pre>
 * features:
 *   - name: implementationConversations45d      # a field of Features, lowerCamelCase
 *     count: CONVERSATION_CREATED                # aggregate: source, or source.column
 *     window_days: 45
 *     where:                                     # every condition must hold
 *       all_conversation_tags: { has_tag: Implementation }
 * </pre>
 */
public final class FeatureDeclarations implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The file of a rule pack that declares features. */
    public static final String FILE = "features.yaml";
    /** The fact the rules read declared features from. */
    public static final String FACT = "Features";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> WINDOWED = List.of("count", "sum", "average", "min", "max", "distinct_count",
            "share");
    private static final List<String> KEYS = List.of("name", "window_days", "where", "matching");
    // tables: see TableDeclarations
    /** At most this many features: each one is computed at every evaluation of every customer. */
    public static final int MAX_FEATURES = 100;
    /** Words a field of the generated DRL type cannot be named (DRL's own keywords). */
    private static final Set<String> DRL_WORDS = Set.of("accumulate", "action", "and", "collect", "contains",
            "declare", "end", "entry", "eval", "exists", "forall", "from", "function", "global", "import", "in", "init",
            "matches", "memberOf", "not", "or", "over", "package", "query", "result", "reverse", "rule", "soundslike",
            "str", "template", "then", "when", "window");

    /** A problem of the file, at a line (1-based; 0 when none applies). */
    public record Problem(int line, String message) {}

    private final List<DeclaredTable> tables;
    private final List<FeatureDeclaration> features;

    private FeatureDeclarations(List<DeclaredTable> tables, List<FeatureDeclaration> features) {
        this.tables = List.copyOf(tables);
        this.features = List.copyOf(features);
    }

    /** A pack that declares none. */
    public static final FeatureDeclarations NONE = new FeatureDeclarations(List.of(), List.of());

    public List<FeatureDeclaration> features() {
        return features;
    }

    /** The further tables of the history the features read. */
    public List<DeclaredTable> tables() {
        return tables;
    }

    public boolean isEmpty() {
        return features.isEmpty();
    }

    /**
     * The features declared here that {@code before} does not declare, or declares otherwise (another
     * aggregate, source, column, window or filter): the ones a deployment of this pack gives every
     * customer anew, computed over each one's whole window.
     */
    public List<String> newOrChangedSince(FeatureDeclarations before) {
        List<String> names = new ArrayList<>();
        for (FeatureDeclaration f : features) {
            if (before.features.stream().noneMatch(b -> b.sameDefinitionAs(f))) {
                names.add(f.name());
            }
        }
        return names;
    }

    /** Name -> value as of {@code asOf} over a customer's log, in declaration order. */
    public Map<String, Object> valuesOf(ObservationLog log, long asOf) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureDeclaration f : features) {
            values.put(f.name(), f.valueOf(log.rows(), asOf));
        }
        return values;
    }

    /** The DRL that declares the {@value #FACT} type with one field per feature, in {@code drlPackage}. */
    public String drl(String drlPackage) {
        StringBuilder drl = new StringBuilder("package ").append(drlPackage).append(";\n\n")
                .append("// Generated from ").append(FILE).append(": one field per declared feature.\n")
                .append("declare ").append(FACT).append('\n');
        for (FeatureDeclaration f : features) {
            drl.append("    ").append(f.name()).append(" : ").append(f.drlType()).append('\n');
        }
        return drl.append("end\n").toString();
    }

    /**
     * Reads {@code yaml} against {@code sources}; adds each problem to {@code problems} and returns
     * the declarations that are sound (all of them when there is no problem).
     */
    public static FeatureDeclarations parse(String yaml, Map<String, Source> sources, List<Problem> problems) {
        JsonNode root;
        Map<String, Integer> lines;
        try {
            root = YAML.readTree(yaml);
            lines = lines(yaml);
        } catch (JsonProcessingException e) {
            problems.add(new Problem(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid YAML: " + e.getOriginalMessage()));
            return NONE;
        } catch (IOException e) {
            problems.add(new Problem(0, "cannot be read: " + e.getMessage()));
            return NONE;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return NONE; // an empty file declares nothing
        }
        JsonNode list = root.path("features");
        boolean onlyKnownKeys = root.isObject() && root.size() == (root.has("tables") ? 2 : 1);
        if (!list.isArray() || !onlyKnownKeys) {
            problems.add(new Problem(1, "must hold a key \"features\" with a list of features, and may hold"
                    + " \"tables\", a list of further tables the features read"));
            return NONE;
        }
        List<DeclaredTable> tables = List.of();
        if (root.has("tables")) {
            int before = problems.size();
            tables = new TableDeclarations(lines, problems).read(root.get("tables"), new TreeSet<>(sources.keySet()));
            if (problems.size() > before) {
                return NONE;
            }
            Map<String, Source> withTables = new TreeMap<>(sources);
            tables.forEach(t -> withTables.put(t.name(), new Source(t.name(), t.columns())));
            sources = withTables;
        }
        if (list.size() > MAX_FEATURES) {
            problems.add(new Problem(lines.getOrDefault("/features", 1), list.size() + " features: a pack declares at most "
                    + MAX_FEATURES + " (each is computed at every evaluation of every customer)"));
            return NONE;
        }
        List<FeatureDeclaration> declared = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String pointer = "/features/" + i;
            FeatureDeclaration f = new Reader(list.get(i), pointer, lines, sources, problems).read();
            if (f == null) {
                continue;
            }
            Integer first = names.putIfAbsent(f.name(), f.line());
            if (first != null) {
                problems.add(new Problem(f.line(), "feature \"" + f.name() + "\" is declared twice (first at line "
                        + first + ")"));
                continue;
            }
            declared.add(f);
        }
        return new FeatureDeclarations(tables, declared);
    }

    /** JSON pointer of every value in the file -> its line. */
    private static Map<String, Integer> lines(String yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.getFactory().createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.getTokenLocation().getLineNr());
                }
                if (t == JsonToken.FIELD_NAME) {
                    lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.getTokenLocation().getLineNr());
                }
            }
        }
        return lines;
    }

    /** Reads one feature's entry. */
    private static final class Reader {
        private final JsonNode node;
        private final String pointer;
        private final Map<String, Integer> lines;
        private final Map<String, Source> sources;
        private final List<Problem> problems;
        private final int before;

        Reader(JsonNode node, String pointer, Map<String, Integer> lines, Map<String, Source> sources,
               List<Problem> problems) {
            this.node = node;
            this.pointer = pointer;
            this.lines = lines;
            this.sources = sources;
            this.problems = problems;
            this.before = problems.size();
        }

        private int line(String at) {
            Integer line = lines.get(at);
            return line != null ? line : lines.getOrDefault(pointer, 0);
        }

        private void problem(String at, String message) {
            problems.add(new Problem(line(at), message));
        }

        FeatureDeclaration read() {
            if (!node.isObject()) {
                problem(pointer, "a feature is a map with a name and an aggregate, e.g. \"count: CONVERSATION_CREATED\"");
                return null;
            }
            String name = node.path("name").asText(null);
            if (name == null || !node.path("name").isTextual()) {
                problem(pointer, "a feature needs a \"name\" (the field the rules read)");
                return null;
            }
            String label = "feature \"" + name + "\"";
            if (!SourceVersion.isName(name) || name.contains(".") || !Character.isLowerCase(name.charAt(0))) {
                problem(pointer + "/name", label + ": a name is one word in lowerCamelCase (letters and digits),"
                        + " such as implementationConversations45d");
            } else if (DRL_WORDS.contains(name)) {
                problem(pointer + "/name", label + ": " + name + " is a word of DRL itself; name the feature after"
                        + " what it counts");
            }
            Aggregate aggregate = null;
            String aggregateKey = null;
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                Aggregate a = Aggregate.byKey(key);
                if (a != null) {
                    if (aggregate != null) {
                        problem(pointer + "/" + key, label + " has two aggregates, " + aggregateKey + " and " + key);
                    }
                    aggregate = a;
                    aggregateKey = key;
                } else if (!KEYS.contains(key)) {
                    problem(pointer + "/" + key, label + ": unknown key \"" + key + "\" (known: " + KEYS
                            + " and one aggregate of " + aggregateKeys() + ")");
                }
            }
            if (aggregate == null) {
                problem(pointer, label + " needs one aggregate: " + aggregateKeys());
                return null;
            }
            String at = pointer + "/" + aggregateKey;
            String target = node.path(aggregateKey).asText("");
            int dot = target.indexOf('.');
            String sourceName = dot < 0 ? target : target.substring(0, dot);
            String column = dot < 0 ? null : target.substring(dot + 1);
            Source source = sources.get(sourceName);
            if (source == null) {
                problem(at, label + ": unknown source \"" + sourceName + "\" (known: " + sources.keySet() + ")");
                return null;
            }
            int columnIndex = -1;
            ColumnType columnType = null;
            if (aggregate.needsColumn() && column == null) {
                problem(at, label + ": " + aggregateKey + " reads a column: write " + aggregateKey + ": "
                        + sourceName + ".<column> (columns: " + source.columnNames() + ")");
            } else if (!aggregate.needsColumn() && column != null) {
                problem(at, label + ": " + aggregateKey + " counts rows: write " + aggregateKey + ": " + sourceName
                        + ", and filter the rows with where");
            } else if (column != null) {
                columnIndex = source.indexOf(column);
                if (columnIndex < 0) {
                    problem(at, label + ": " + sourceName + " has no column \"" + column + "\" (columns: "
                            + source.columnNames() + ")");
                } else {
                    columnType = source.columns().get(columnIndex).type();
                    boolean numeric = aggregate == Aggregate.SUM || aggregate == Aggregate.AVERAGE
                            || aggregate == Aggregate.MIN || aggregate == Aggregate.MAX;
                    if (numeric && columnType != ColumnType.NUMBER) {
                        problem(at, label + ": " + aggregateKey + " needs a number column; " + column + " holds "
                                + columnType.name().toLowerCase());
                    } else if (aggregate == Aggregate.DAYS_UNTIL && columnType != ColumnType.DATE) {
                        problem(at, label + ": days_until needs a date column; " + column + " holds "
                                + columnType.name().toLowerCase());
                    } else if (aggregate == Aggregate.LATEST && columnType == ColumnType.DATE) {
                        problem(at, label + ": " + column + " holds dates: read it with days_until: " + target);
                    }
                }
            }
            int windowDays = window(label, aggregateKey);
            List<Condition> where = conditions("where", label, source);
            List<Condition> matching = conditions("matching", label, source);
            if (aggregate == Aggregate.SHARE && !node.has("matching")) {
                problem(pointer, label + ": a share needs \"matching\": the rows it is the share of");
            } else if (aggregate != Aggregate.SHARE && node.has("matching")) {
                problem(pointer + "/matching", label + ": only a share has \"matching\"; filter rows with where");
            }
            if (problems.size() > before) {
                return null;
            }
            return new FeatureDeclaration(name, aggregate, sourceName, column, columnIndex, columnType, windowDays,
                    where, matching, line(pointer));
        }

        private int window(String label, String aggregateKey) {
            JsonNode w = node.get("window_days");
            if (w == null) {
                if (WINDOWED.contains(aggregateKey)) {
                    problem(pointer, label + ": " + aggregateKey + " needs \"window_days\" (1 to "
                            + ObservationLog.RETENTION_DAYS + ")");
                }
                return 0;
            }
            if (!w.isIntegralNumber() || w.asLong() < 1 || w.asLong() > ObservationLog.RETENTION_DAYS) {
                problem(pointer + "/window_days", label + ": window_days must be a whole number of days from 1 to "
                        + ObservationLog.RETENTION_DAYS + " (how long Pulse keeps each customer's rows), not " + w);
                return 0;
            }
            return w.asInt();
        }

        private List<Condition> conditions(String key, String label, Source source) {
            JsonNode map = node.get(key);
            List<Condition> conditions = new ArrayList<>();
            if (map == null) {
                return conditions;
            }
            String at = pointer + "/" + key;
            if (!map.isObject()) {
                problem(at, label + ": " + key + " is a map of column: value or column: { filter: value }");
                return conditions;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String column = e.getKey();
                String columnAt = at + "/" + column;
                int index = source.indexOf(column);
                if (index < 0) {
                    problem(columnAt, label + ": " + source.name() + " has no column \"" + column + "\" (columns: "
                            + source.columnNames() + ")");
                    continue;
                }
                ColumnType type = source.columns().get(index).type();
                if (e.getValue().isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> ops = e.getValue().fields(); ops.hasNext(); ) {
                        Map.Entry<String, JsonNode> op = ops.next();
                        condition(label, column, index, type, op.getKey(), op.getValue(), columnAt + "/" + op.getKey(),
                                conditions);
                    }
                } else {
                    condition(label, column, index, type, "equals", e.getValue(), columnAt, conditions);
                }
            }
            return conditions;
        }

        private void condition(String label, String column, int index, ColumnType type, String key, JsonNode value,
                               String at, List<Condition> conditions) {
            Condition.Operator operator = Condition.Operator.byKey(key);
            if (operator == null) {
                problem(at, label + ": unknown filter \"" + key + "\" on " + column + " (filters: " + operatorKeys() + ")");
                return;
            }
            if (!Condition.applies(operator, type)) {
                problem(at, label + ": " + key + " does not apply to " + column + ", which holds "
                        + type.name().toLowerCase());
                return;
            }
            boolean list = operator == Condition.Operator.IN || operator == Condition.Operator.NOT_IN;
            if (list != value.isArray()) {
                problem(at, label + ": " + key + " on " + column + " takes " + (list ? "a list of values" : "one value"));
                return;
            }
            List<Object> values = new ArrayList<>();
            for (JsonNode v : list ? value : List.of(value)) {
                Object typed = typed(v, type);
                if (typed == null) {
                    problem(at, label + ": " + column + " holds " + type.name().toLowerCase() + ", not " + v);
                    return;
                }
                values.add(typed);
            }
            conditions.add(new Condition(column, index, operator, values));
        }

        private static Object typed(JsonNode v, ColumnType type) {
            return switch (type) {
                case TEXT -> v.isValueNode() && !v.isNull() ? v.asText() : null;
                case NUMBER -> v.isNumber() ? v.asDouble() : null;
                case BOOLEAN -> v.isBoolean() ? v.asBoolean() : null;
                case DATE -> null; // no filter applies to a date
            };
        }

        private static String aggregateKeys() {
            TreeSet<String> keys = new TreeSet<>();
            for (Aggregate a : Aggregate.values()) {
                keys.add(a.key());
            }
            return keys.toString();
        }

        private static String operatorKeys() {
            List<String> keys = new ArrayList<>();
            for (Condition.Operator o : Condition.Operator.values()) {
                keys.add(o.key());
            }
            return keys.toString();
        }
    }
}
