package io.pulse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.events.CustomerEvent;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistoryQueries;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The onboarding example's two declared features counted plainly from a history's rows (read with
 * JDBC, not the job), to check what the job's rules saw: the facts of the probe rule
 * ({@link RulePackFixtures#packWithDeclaredFeatures} with the probe) in a recommendation's reasons.
 */
public final class FeatureProbes {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<CustomerEvent> usage;
    private final List<CustomerEvent> opened;

    private FeatureProbes(List<CustomerEvent> usage, List<CustomerEvent> opened) {
        this.usage = usage;
        this.opened = opened;
    }

    /** The usage and opened conversations of the history at {@code url}. */
    public static FeatureProbes of(String url) throws Exception {
        return new FeatureProbes(events(url, "usage"), events(url, "conversations-created"));
    }

    /** Different features the customer used in the 14 days before {@code asOf} (ignoring case). */
    public int distinctFeaturesUsed14d(String customer, long asOf) {
        Set<String> features = new HashSet<>();
        for (CustomerEvent e : usage) {
            if (customer.equals(e.customerId) && e.eventTime >= asOf - 14 * DAY && e.eventTime < asOf) {
                features.add(e.usage.feature.toLowerCase(Locale.ROOT));
            }
        }
        return features.size();
    }

    /** Conversations with the Implementation tag the customer opened in the 45 days before {@code asOf}. */
    public int implementationConversations45d(String customer, long asOf) {
        int count = 0;
        for (CustomerEvent e : opened) {
            if (customer.equals(e.customerId) && e.eventTime >= asOf - 45 * DAY && e.eventTime < asOf
                    && hasTag(e.conversation.tags, "implementation")) {
                count++;
            }
        }
        return count;
    }

    /** The facts of the probe rule in a recommendation's reasons (JSON). */
    public static JsonNode probeFacts(String reasons) throws Exception {
        for (JsonNode r : JSON.readTree(reasons)) {
            if (r.get("rule").asText().startsWith("Probe:")) {
                return r.get("facts");
            }
        }
        throw new AssertionError("no probe rule in " + reasons);
    }

    /** A tag list (pipe-separated pairs or comma-separated labels) has the tag as a whole entry. */
    private static boolean hasTag(String tags, String tag) {
        if (tags != null) {
            for (String t : tags.split("[|,]")) {
                if (t.trim().equalsIgnoreCase(tag)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<CustomerEvent> events(String url, String query) throws Exception {
        HistoryQueries.Query q = HistoryQueries.all(HistoryDatabase.of(url).dialect()).stream()
                .filter(x -> x.name().equals(query)).findFirst().orElseThrow();
        List<CustomerEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(q.sql())) {
            while (rs.next()) {
                events.add(q.extractor().extract(rs));
            }
        }
        return events;
    }
}
