package io.pulse.server;

import io.pulse.actions.ActionSink;
import io.pulse.actions.Recommendation;
import io.pulse.actions.SinkDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Tokens and queue rows for the server's tests. */
final class ServerFixtures {
    static final String DANA_TOKEN = "dana-0123456789abcdef";
    static final String LEE_TOKEN = "lee-fedcba9876543210";
    static final ApiTokens TOKENS = ApiTokens.of(List.of("dana:" + DANA_TOKEN, "lee:" + LEE_TOKEN), "the test");

    private ServerFixtures() {}

    static Recommendation recommendation(String customer, String action, int priority, double revenue) {
        Instant asOf = Instant.parse("2026-01-01T00:00:00Z");
        Recommendation r = new Recommendation();
        r.setCustomerId(customer);
        r.setAction(action);
        r.setFamily("VALUE_RISK");
        r.setValueTier("High");
        r.setRiskTier("High");
        r.setHealthBand("Low");
        r.setHealthScore(42);
        r.setPredicted6mRevenue(revenue);
        r.setPriority(priority);
        r.setValidAsOf(asOf.toEpochMilli());
        r.setDueAt(asOf.plus(Duration.ofDays(2)).toEpochMilli());
        r.setPlaybook("[\"Executive sponsor calls the customer\"]");
        r.setReasons("[{\"rule\":\"High value at high risk\",\"facts\":{\"valueTier\":\"High\",\"riskTier\":\"High\"}}]");
        r.setRulesetVersion("test");
        return r;
    }

    static void pipelineWrites(String url, List<Recommendation> recommendations) throws Exception {
        try (Connection c = SinkDatabase.of(url).connect();
             PreparedStatement ps = c.prepareStatement(ActionSink.UPSERT_RECOMMENDATION)) {
            for (Recommendation r : recommendations) {
                ActionSink.bindRecommendation(ps, r);
                ps.executeUpdate();
            }
        }
    }
}
