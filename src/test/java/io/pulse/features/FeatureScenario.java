package io.pulse.features;

import io.pulse.events.CustomerEvent;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.pulse.testing.TestEvents.*;

/**
 * A fixed stream of every kind of event the features operator reads, for a few customers over
 * {@link #DAYS} days: snapshots that change and snapshots sent again unchanged, segment tags,
 * conversations (some mentioning an upgrade or downgrade) and their closes, usage, plan changes and
 * outcomes; a customer who joins late, one who goes quiet, and events of the next day sent before
 * the watermark passes this one. Each day's events come from a generator seeded with the day, so a
 * run that starts mid-way sends what a run from the start sends.
 *
 * <p>Also used by {@link FeatureSnapshotWriter}, so it only uses what every version of the
 * operator has: a savepoint written on one version can be continued on a later one.
 */
final class FeatureScenario {
    static final int CUSTOMERS = 8;
    static final int DAYS = 100;
    /** The day after which the state tests take their snapshot. */
    static final int SNAPSHOT_DAY = 50;
    /** Joins on this day. */
    static final String LATE = "c6.example";
    /** Sends nothing after day 30: its buckets leave by their timers alone, the last on day 91. */
    static final String QUIET = "c7.example";

    private static final String[] SEGMENTS = {"Enterprise", "Large", "Mid-Market", "Small Business"};
    private static final String[] RISKS = {"Very Low", "Low", "Medium", "High", "Critical"};
    private static final String[] VELOCITIES = {"Accelerating", "Stable", "Declining"};
    private static final String[] TIERS = {"Bronze", "Silver", "Gold", "Platinum"};
    private static final String[] PLANS = {"Starter", "Growth", "Scale", "Enterprise"};
    private static final String[] COMPANY_TAGS = {"tier:growth,segment:renewal", "segment:expansion,region:NA",
            "region:EMEA", "segment:churn_watch"};
    private static final String[] CONVERSATION_TAGS = {"bug", "outage|billing", "segment:expansion", "api",
            "upgrade request", "downgrade", "feature feedback", "", "escalation|segment:renewal"};

    private FeatureScenario() {}

    /** The events sent on {@code day} (dated that day or the next), in the order they are sent. */
    static List<CustomerEvent> sentOn(int day) {
        Random random = new Random(7_919L * day + 13);
        List<CustomerEvent> events = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            String customer = "c" + c + ".example";
            if ((customer.equals(LATE) && day < 20) || (customer.equals(QUIET) && day > 30)) {
                continue;
            }
            int next = random.nextInt(10) == 0 ? 1 : 0; // now and then a snapshot of tomorrow, sent early
            if (day == 0 || random.nextInt(3) == 0) {
                // Few distinct values: a snapshot often comes again unchanged.
                events.add(accountSnapshot(customer, at(random, day + next), SEGMENTS[random.nextInt(2)],
                        random.nextInt(3), 10 + random.nextInt(2)));
            }
            if (day == 0 || random.nextInt(5) == 0) {
                CustomerEvent e = activitySnapshot(customer, at(random, day), RISKS[random.nextInt(RISKS.length)],
                        VELOCITIES[random.nextInt(VELOCITIES.length)]);
                e.activity.compositeEngagementScore = random.nextInt(2_000) / 100.0;
                e.activity.customerHealthScore = random.nextInt(10_000) / 100.0;
                events.add(e);
            }
            if (day == 0 || random.nextInt(10) == 0) {
                CustomerEvent e = valueSnapshot(customer, at(random, day), TIERS[random.nextInt(TIERS.length)],
                        random.nextInt(5_000_000) / 100.0, 1 + random.nextInt(5));
                e.value.churnProbability = random.nextInt(1_000) / 1_000.0;
                events.add(e);
            }
            if (day == 0 || random.nextInt(12) == 0) {
                events.add(companySnapshot(customer, at(random, day), PLANS[random.nextInt(PLANS.length)],
                        1 + random.nextInt(300), random.nextInt(10_000), COMPANY_TAGS[random.nextInt(COMPANY_TAGS.length)]));
            }
            for (int i = random.nextInt(4) - 1; i > 0; i--) {
                CustomerEvent e = conversation(customer, at(random, day),
                        CONVERSATION_TAGS[random.nextInt(CONVERSATION_TAGS.length)], random.nextBoolean());
                e.conversation.firstResponseMinutes = random.nextInt(4) == 0 ? -1 : random.nextInt(2_400) / 4.0;
                events.add(e);
                if (random.nextBoolean()) {
                    events.add(closed(customer, Math.min(e.eventTime + random.nextInt(36_000_000), endOfDay(day)),
                            random.nextInt(6)));
                }
            }
            for (int i = random.nextInt(6); i > 0; i--) {
                events.add(usage(customer, at(random, day)));
            }
            if (random.nextInt(25) == 0) {
                events.add(planChange(customer, at(random, day), PLANS[random.nextInt(PLANS.length)],
                        PLANS[random.nextInt(PLANS.length)], random.nextInt(2_000) - 1_000));
            }
            if (random.nextInt(40) == 0) {
                events.add(outcome(customer, at(random, day), "renewed"));
            }
        }
        Collections.shuffle(events, random);
        return events;
    }

    /**
     * Sends the events of days {@code from} to {@code to} (inclusive), each day followed by the
     * watermark at its end, and returns the features emitted.
     */
    static List<PeriodFeatures> feed(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> h,
                                       int from, int to) throws Exception {
        for (int day = from; day <= to; day++) {
            for (CustomerEvent e : sentOn(day)) {
                h.processElement(new StreamRecord<>(e, e.eventTime));
            }
            h.processWatermark(new Watermark(endOfDay(day)));
        }
        List<PeriodFeatures> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    private static long at(Random random, int day) {
        return day(day) + random.nextInt((int) DAY_MS);
    }
}
