package io.pulse.testing;

import io.pulse.actions.ActionSink;
import io.pulse.model.Recommendation;

import io.pulse.actions.QueueSink;
import io.pulse.actions.SinkDatabase;
import org.apache.flink.types.Either;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Test vocabulary for the queue: recommendations as the pipeline writes them, and a clock to move. */
public final class QueueFixtures {
    public static final Instant DAY_0 = Instant.parse("2026-03-02T00:00:00Z");

    private QueueFixtures() {}

    public static Instant day(int n) {
        return DAY_0.plus(Duration.ofDays(n));
    }

    /** An OPEN recommendation valid as of {@code day}, due a month later (not overdue, so not escalated, until then). */
    public static Recommendation recommendation(String customer, String action, int priority, double revenue, int day) {
        Recommendation r = new Recommendation();
        r.setCustomerId(customer);
        r.setAction(action);
        r.setFamily("VALUE_RISK");
        r.setValueTier("High");
        r.setRiskTier("High");
        r.setHealthBand("Low");
        r.setHealthScore(31.5 + day);
        r.setPredicted6mRevenue(revenue);
        r.setPriority(priority);
        r.setValidAsOf(day(day).toEpochMilli());
        r.setDueAt(day(day + 30).toEpochMilli());
        r.setPlaybook("[\"Call the sponsor\"]");
        r.setReasons("[{\"rule\":\"High value at high risk\",\"facts\":{\"valueTier\":\"High\",\"day\":" + day + "}}]");
        r.setRulesetVersion("v1");
        return r;
    }

    /**
     * {@code n} recommendations of one action for customers {@code c0.com, c1.com, ...}, with mixed
     * priorities, revenues and times.
     */
    public static Recommendation[] many(int n, String action) {
        Recommendation[] all = new Recommendation[n];
        for (int i = 0; i < n; i++) {
            all[i] = recommendation("c" + i + ".com", action, 1 + i % 5, i % 997 * 100.0, i % 30);
        }
        return all;
    }

    /** What the pipeline emits when it stops recommending {@code written}: its key, retired as of {@code asOf}. */
    public static Recommendation retired(Recommendation written, long asOf) {
        return Recommendation.retired(written.getCustomerId(), written.getAction(), written.getRulesetVersion(), asOf);
    }

    /**
     * Writes recommendations with the job's own writer of the queue, in one transaction like a sink
     * batch; a failed write is retried at once (a test's database does not come back later).
     */
    public static void pipelineWrites(String url, Recommendation... recommendations) throws IOException {
        try (QueueSink.Writer writer = new QueueSink.Writer(SinkDatabase.of(url).url(),
                new ActionSink.Batching(recommendations.length + 1, Duration.ofMinutes(1)), null, attempt -> { })) {
            for (Recommendation r : recommendations) {
                writer.write(Either.Left(r), null);
            }
            writer.flush(true);
        }
    }

    /** A clock the test moves by hand. */
    public static final class TestClock extends Clock {
        private volatile Instant now;

        public TestClock(Instant now) {
            this.now = now;
        }

        public void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
