package io.pulse.features;

import io.pulse.rules.facts.PlanChangeWindow;

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
    private static final Set<String> UPGRADE_DRIVERS =
            Set.of("enablement", "automation", "implementation", "feature feedback", "usage spike", "api");
    private static final String SEGMENT_KEY = "segment:";

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

    /** Enablement, Automation, Implementation, Feature Feedback, Usage Spike or API (rules-pack section 3). */
    public boolean hasUpgradeDriver() {
        return tags.stream().anyMatch(UPGRADE_DRIVERS::contains);
    }

    /** The value of a {@code segment:} tag (new_contract, renewal, expansion, churn_watch), or null. */
    public String segment() {
        for (String tag : tags) {
            if (tag.startsWith(SEGMENT_KEY) && tag.length() > SEGMENT_KEY.length()) {
                return tag.substring(SEGMENT_KEY.length());
            }
        }
        return null;
    }

    /**
     * UPGRADE or DOWNGRADE when the tags or the subject mention exactly one of the two words
     * (case-insensitive); null when they mention neither or both ("mixed", ignored).
     */
    public static String planChangeMention(String rawTags, String subject) {
        String text = ((rawTags == null ? "" : rawTags) + " " + (subject == null ? "" : subject)).toLowerCase(Locale.ROOT);
        boolean upgrade = text.contains("upgrade");
        boolean downgrade = text.contains("downgrade");
        if (upgrade == downgrade) {
            return null;
        }
        return upgrade ? PlanChangeWindow.UPGRADE : PlanChangeWindow.DOWNGRADE;
    }

    public Set<String> all() {
        return tags;
    }
}
