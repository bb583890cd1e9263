package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.runtime.rule.Match;

/**
 * The order in which a rule's bindings ({@code $name : ...}) are written in its DRL, so the
 * reasons list the facts as the rule reads, not in Drools' internal (hash) order. Bindings not
 * found in the text (none, normally) come last, by name. Computed once per rule, then cached.
 */
final class BindingOrder {
    private static final Pattern RULE = Pattern.compile(
            "(?m)^\\s*rule\\s+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'|(\\S+))");
    private static final Pattern THEN = Pattern.compile("(?m)^\\s*then\\b");
    private static final Pattern BINDING = Pattern.compile("(\\$[\\w]+)\\s*:");

    /** Rule name -> bindings in the order written (from the DRL text). */
    private final Map<String, List<String>> written;
    /** Rule name -> the ids to read for each match, in display order. */
    private final Map<String, Bindings> cache = new HashMap<>();

    /**
     * A rule's binding ids ({@code $score}) in display order, and the JSON written before its
     * values in the reasons, prepared once: {@code {"rule":"name","facts":{} and {@code "score":}.
     */
    record Bindings(String rule, List<String> ids, String jsonPrefix, String[] jsonKeys) {}

    private BindingOrder(Map<String, List<String>> written) {
        this.written = written;
    }

    static BindingOrder of(RuleSet rules) {
        Map<String, List<String>> written = new HashMap<>();
        rules.files().forEach((name, text) -> {
            if (!name.endsWith(".drl")) {
                return;
            }
            Matcher rule = RULE.matcher(text);
            while (rule.find()) {
                String ruleName = rule.group(1) != null ? rule.group(1) : rule.group(2) != null ? rule.group(2) : rule.group(3);
                Matcher then = THEN.matcher(text);
                int end = then.find(rule.end()) ? then.start() : text.length();
                List<String> ids = new ArrayList<>();
                Matcher binding = BINDING.matcher(text).region(rule.end(), end);
                while (binding.find()) {
                    if (!ids.contains(binding.group(1))) {
                        ids.add(binding.group(1));
                    }
                }
                written.put(ruleName, ids);
            }
        });
        return new BindingOrder(written);
    }

    Bindings of(String rule, Match match) {
        Bindings bindings = cache.get(rule);
        if (bindings == null) {
            List<String> order = written.getOrDefault(rule, List.of());
            List<String> ids = new ArrayList<>(match.getDeclarationIds());
            ids.sort(Comparator.<String>comparingInt(id -> {
                int i = order.indexOf(id);
                return i < 0 ? Integer.MAX_VALUE : i;
            }).thenComparing(Comparator.naturalOrder()));
            StringBuilder prefix = new StringBuilder("{\"rule\":");
            JsonText.string(prefix, rule);
            prefix.append(",\"facts\":{");
            String[] keys = new String[ids.size()];
            for (int i = 0; i < keys.length; i++) {
                StringBuilder key = new StringBuilder();
                JsonText.string(key, ids.get(i).startsWith("$") ? ids.get(i).substring(1) : ids.get(i));
                keys[i] = key.append(':').toString();
            }
            bindings = new Bindings(rule, List.copyOf(ids), prefix.toString(), keys);
            cache.put(rule, bindings);
        }
        return bindings;
    }
}
