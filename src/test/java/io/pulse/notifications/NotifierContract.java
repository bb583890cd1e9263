package io.pulse.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.SinkDatabase;
import io.pulse.model.Recommendation;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.Actor;
import io.pulse.queue.QueueFilter;
import io.pulse.queue.Status;
import io.pulse.testing.QueueFixtures.TestClock;
import io.pulse.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outbound webhooks, run on each database by a thin subclass, against a local receiver that
 * fails, delays and so receives duplicates: every notification is delivered, none lost, none
 * enqueued twice, and a target that stays down is parked with the reason while the queue works.
 */
abstract class NotifierContract {
    private static final Notifier.Retries FAST = new Notifier.Retries(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMinutes(1), 4);
    private String url;
    private TestClock clock;
    private ActionQueue queue;
    private Notifier notifier;

    abstract String newDatabaseUrl() throws Exception;

    @BeforeEach
    void open() throws Exception {
        url = newDatabaseUrl();
        SinkDatabase.of(url).createSchema();
        clock = new TestClock(day(10));
        queue = ActionQueue.open(url, 2, clock);
        notifier = new Notifier(SinkDatabase.of(url), clock, FAST);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private long idOf(String customer) throws Exception {
        return queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, customer, 1)).get(0).id();
    }

    /** Delivery rounds, the clock two minutes on each time, until nothing is pending (at most 20). */
    private void deliverUntilSettled() throws Exception {
        for (int round = 0; round < 20 && notifier.counts().get("PENDING") > 0; round++) {
            notifier.deliverDue();
            clock.set(clock.instant().plus(Duration.ofMinutes(2)));
        }
    }

    @Test
    void everyNotificationIsDeliveredAtLeastOnceThroughFailuresDelaysAndDuplicates() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(3, Set.of("pulse-4-cs"), 2_500)) {
            notifier.setTarget(new NotificationTarget("cs", receiver.url(), NotificationTarget.GENERIC,
                    EnumSet.allOf(NotificationKind.class), Set.of()));
            notifier.setTarget(new NotificationTarget("slack", receiver.url(), NotificationTarget.SLACK,
                    Set.of(NotificationKind.NEW_P1), Set.of("urgent_retain")));
            Recommendation late = recommendation("c.com", "CLOSE_MONITOR", 3, 1_000, 1);
            late.setDueAt(day(12).toEpochMilli());
            pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 90_000, 1),
                    recommendation("b.com", "VIP_NURTURE", 1, 20_000, 1), late);
            queue.assign(idOf("c.com"), Actor.lead("kim"), "lee", "dana is out");
            clock.set(day(13)); // c.com is overdue: the next read escalates it
            queue.list(QueueFilter.live());

            assertThat(notifier.enqueue()).as("a.com twice (cs, slack), b.com, c.com assigned, c.com escalated")
                    .isEqualTo(5);
            assertThat(notifier.enqueue()).as("nothing twice").isZero();
            deliverUntilSettled();

            assertThat(notifier.counts()).containsEntry("DELIVERED", 5L).containsEntry("PENDING", 0L)
                    .containsEntry("PARKED", 0L);
            Set<String> keys = new TreeSet<>();
            receiver.received.forEach(r -> keys.add(r.key()));
            assertThat(keys).as("every notification arrived")
                    .isEqualTo(new TreeSet<>(notifier.list(null, 100).stream().map(Notifier.Outgoing::key).toList()));
            // A loaded machine may let another answer come too late as well: more duplicates, never fewer.
            assertThat(receiver.received.stream().filter(r -> r.key().equals("pulse-4-cs")))
                    .as("the slow one arrived again, with its key").hasSizeGreaterThanOrEqualTo(2);

            Map<String, JsonNode> byKind = new HashMap<>();
            for (WebhookReceiver.Received r : receiver.received) {
                JsonNode body = new ObjectMapper().readTree(r.body());
                byKind.put(body.has("kind") ? body.get("kind").asText() + " " + body.at("/action/customerId").asText()
                        : "slack " + r.key(), body);
            }
            assertThat(byKind.get("escalated c.com").get("text").asText())
                    .isEqualTo(":warning: CLOSE_MONITOR for c.com is overdue since 2026-03-14T00:00:00Z: escalated to"
                            + " priority 2. Assignee: lee. Owner: none.");
            assertThat(byKind.get("assigned c.com").get("text").asText())
                    .isEqualTo(":bust_in_silhouette: kim assigned CLOSE_MONITOR for c.com to lee: dana is out.");
            assertThat(byKind.get("new_p1 b.com").at("/action/reasons/0/rule").asText()).isEqualTo("High value at high risk");
            List<JsonNode> slack = byKind.entrySet().stream().filter(e -> e.getKey().startsWith("slack "))
                    .map(Map.Entry::getValue).toList();
            assertThat(slack).hasSize(1);
            assertThat(slack.get(0).fieldNames()).toIterable().containsExactly("text");
            assertThat(slack.get(0).get("text").asText()).startsWith(
                    ":rotating_light: New priority-1 action URGENT_RETAIN for a.com: $90,000 at risk");
        }
    }

    @Test
    void aTargetThatStaysDownIsParkedWithTheReasonAndTheQueueKeepsWorking() throws Exception {
        notifier.setTarget(new NotificationTarget("down", "http://127.0.0.1:9/hook", NotificationTarget.GENERIC,
                Set.of(NotificationKind.NEW_P1), Set.of()));
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 90_000, 1));
        assertThat(notifier.enqueue()).isEqualTo(1);

        Notifier.Round first = notifier.deliverDue();
        assertThat(first).isEqualTo(new Notifier.Round(0, 1, 0));
        assertThat(notifier.deliverDue()).as("not due again before its backoff").isEqualTo(new Notifier.Round(0, 0, 0));
        assertThat(queue.next("dana")).as("the queue does not wait for a target").isPresent();
        deliverUntilSettled();

        List<Notifier.Outgoing> parked = notifier.list("PARKED", 10);
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).attempts()).isEqualTo(4);
        assertThat(parked.get(0).lastError()).contains("ConnectException").endsWith("(attempt 4 of 4, parked)");
    }

    @Test
    void aRemovedTargetsNotificationsWaitUntilItIsSetAgain() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(0, Set.of(), 0)) {
            NotificationTarget cs = new NotificationTarget("cs", receiver.url(), NotificationTarget.GENERIC,
                    Set.of(NotificationKind.NEW_P1), Set.of());
            notifier.setTarget(cs);
            pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 90_000, 1));
            assertThat(notifier.enqueue()).isEqualTo(1);
            assertThat(notifier.removeTarget("cs")).isTrue();
            assertThat(notifier.removeTarget("cs")).as("gone already").isFalse();

            assertThat(notifier.deliverDue()).isEqualTo(new Notifier.Round(0, 0, 0));
            assertThat(notifier.counts()).containsEntry("PENDING", 1L);
            notifier.setTarget(cs);
            deliverUntilSettled(); // a loaded machine may miss the short timeout once: then it retries
            assertThat(notifier.counts()).containsEntry("DELIVERED", 1L).containsEntry("PENDING", 0L);
            assertThat(receiver.received).extracting(WebhookReceiver.Received::key).containsOnly("pulse-1-cs");
        }
    }

    @Test
    void whatHappenedBeforeTheFirstTargetIsNotNewsAndTargetsFilterByActionAndKind() throws Exception {
        pipelineWrites(url, recommendation("old.com", "URGENT_RETAIN", 1, 90_000, 1));
        notifier.setTarget(new NotificationTarget("retain-only", "http://127.0.0.1:9/hook", NotificationTarget.SLACK,
                Set.of(NotificationKind.NEW_P1), Set.of("URGENT_RETAIN")));
        pipelineWrites(url, recommendation("vip.com", "VIP_NURTURE", 1, 90_000, 1),
                recommendation("p2.com", "URGENT_RETAIN", 2, 90_000, 1),
                recommendation("new.com", "URGENT_RETAIN", 1, 90_000, 1));

        assertThat(notifier.enqueue()).isEqualTo(1);
        assertThat(notifier.list(null, 10)).extracting(Notifier.Outgoing::kind).containsExactly("new_p1");
        assertThat(notifier.list(null, 10).get(0).actionId()).isEqualTo(idOf("new.com"));
    }

    @Test
    void aPersonsTargetGetsOnlyTheirBookAndWhatIsAssignedToThemTheTeamsGetsEverything() throws Exception {
        queue.setMember("dana", "dana@cs.example", "Dana Doe", 10);
        queue.setMember("kim", "kim@cs.example", "Kim Lee", 10);
        notifier.setTarget(new NotificationTarget("dana-dm", "http://127.0.0.1:9/dana", NotificationTarget.SLACK,
                Set.of(NotificationKind.NEW_P1, NotificationKind.ASSIGNED), Set.of(), "dana"));
        notifier.setTarget(new NotificationTarget("team", "http://127.0.0.1:9/team", NotificationTarget.GENERIC,
                Set.of(NotificationKind.NEW_P1, NotificationKind.ASSIGNED), Set.of()));
        Recommendation danas = recommendation("danas.com", "URGENT_RETAIN", 1, 90_000, 1);
        danas.setOwner("Dana@CS.example"); // the CRM's case need not match the team's
        Recommendation kims = recommendation("kims.com", "URGENT_RETAIN", 1, 80_000, 1);
        kims.setOwner("kim@cs.example");
        Recommendation unowned = recommendation("nobody.com", "URGENT_RETAIN", 1, 70_000, 1);
        pipelineWrites(url, danas, kims, unowned);
        notifier.enqueue();
        queue.assign(idOf("nobody.com"), new Actor("kim", true), "dana", "yours now");
        notifier.enqueue();

        Map<String, List<String>> byTarget = new HashMap<>();
        for (Notifier.Outgoing n : notifier.list(null, 20)) {
            byTarget.computeIfAbsent(n.target(), t -> new java.util.ArrayList<>()).add(n.kind() + " " + n.actionId());
        }
        assertThat(byTarget.get("dana-dm")).as("her account's new P1, and what a lead assigned to her")
                .containsExactlyInAnyOrder("new_p1 " + idOf("danas.com"), "assigned " + idOf("nobody.com"));
        assertThat(byTarget.get("team")).as("the team's channel: everything").hasSize(4);
    }
}
