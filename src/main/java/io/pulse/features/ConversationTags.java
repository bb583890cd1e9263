package io.pulse.features;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads conversation tags in both formats real Intercom exports carry: pipe-separated key:value
 * ({@code topic:billing|first_response:bot}) and comma-separated labels ({@code Bug, Escalation}).
 * Every tag becomes lower case; a key:value tag contributes both {@code key:value} and {@code value}
 * (with underscores read as spaces), so {@code topic:escalation} and {@code Escalation} match alike.
 */
public final class ConversationTags {
    private static final Set<String> BUG_OR_OUTAGE = Set.of("bug", "outage");
    private static final Set<String> ESCALATION_LANGUAGE =
            Set.of("escalation", "executive attention", "renewal", "data quality", "billing");

    private final Set<String> tags;

    private ConversationTags(Set<String> tags) {
        this.tags = tags;
    }

    public static ConversationTags parse(String raw) {
        Set<String> tags = new TreeSet<>();
        if (raw != null && !raw.isBlank()) {
            String separator = raw.indexOf('|') >= 0 || (raw.indexOf(':') >= 0 && raw.indexOf(',') < 0) ? "\\|" : ",";
            for (String part : raw.split(separator)) {
                String tag = part.trim().toLowerCase(Locale.ROOT);
                if (tag.isEmpty()) {
                    continue;
                }
                tags.add(tag);
                int colon = tag.indexOf(':');
                if (colon >= 0) {
                    tags.add(tag.substring(colon + 1).replace('_', ' '));
                }
            }
        }
        return new ConversationTags(tags);
    }

    public boolean has(String tag) {
        return tags.contains(tag.toLowerCase(Locale.ROOT));
    }

    public boolean isBugOrOutage() {
        return tags.stream().anyMatch(BUG_OR_OUTAGE::contains);
    }

    public boolean hasEscalationLanguage() {
        return tags.stream().anyMatch(ESCALATION_LANGUAGE::contains);
    }

    public Set<String> all() {
        return tags;
    }
}
