package io.pulse.queue;

import io.pulse.model.Recommendation;
import io.pulse.actions.SinkDatabase;
import io.pulse.testing.QueueFixtures.TestClock;
import io.pulse.testing.PulseProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.many;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.QueueFixtures.retired;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The queue's contract, run on each database by a thin subclass: the pipeline's upsert and people's
 * workflow share the rows without overwriting each other.
 */
abstract class ActionQueueContract {
    private String url;
    private TestClock clock;
    private ActionQueue queue;

    /** A JDBC URL of an empty database of the kind under test. */
    abstract String newDatabaseUrl() throws Exception;

    @BeforeEach
    void openQueue() throws Exception {
        url = newDatabaseUrl();
        SinkDatabase.of(url).createSchema();
        clock = new TestClock(day(10));
        queue = ActionQueue.open(url, 8, clock);
        // The workflow's tests claim hundreds of actions a week: weekly capacities are TeamQueueContract's.
        queue.setMember(ActionQueue.DEFAULT_MEMBER, null, null, 100_000);
    }

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private long idOf(String customer, String action) throws SQLException {
        return queue.list(new QueueFilter(EnumSet.allOf(Status.class), action, null, null, customer, 10))
                .get(0).id();
    }

    private static Actor agent(String name) {
        return Actor.agent(name);
    }

    private QueuedAction reload(long id) throws SQLException {
        return queue.show(id).action();
    }

    @Test
    void reScoringUpdatesTheRecommendationAndKeepsTheWorkflow() throws Exception {
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1));
        QueuedAction claimed = queue.next("dana").orElseThrow();
        queue.snooze(claimed.id(), agent("dana"), day(20), "customer on holiday");
        queue.claim(claimed.id(), "lee", "picked up early");

        Recommendation rescored = recommendation("acme.com", "URGENT_RETAIN", 2, 64_000, 5);
        rescored.setCohorts("[\"QUIET_HIGH_VALUE\"]");
        pipelineWrites(url, rescored);

        QueuedAction after = reload(claimed.id());
        assertThat(after.cohorts()).isEqualTo("[\"QUIET_HIGH_VALUE\"]");
        assertThat(after.status()).isEqualTo("CLAIMED");
        assertThat(after.assignee()).isEqualTo("lee");
        assertThat(after.notes()).isEqualTo("customer on holiday\npicked up early");
        assertThat(after.priority()).isEqualTo(2);
        assertThat(after.predicted6mRevenue()).isEqualTo(64_000);
        assertThat(after.validAsOf()).isEqualTo("2026-03-07T00:00:00Z");
        assertThat(after.firstValidAsOf()).isEqualTo("2026-03-03T00:00:00Z");
        assertThat(queue.list(QueueFilter.live())).hasSize(1);
    }

    @Test
    void aRetiredRecommendationIsSupersededOnlyWhileNobodyWorksIt() throws Exception {
        Recommendation open = recommendation("a.com", "VIP_NURTURE", 3, 1_000, 1);
        Recommendation claimed = recommendation("b.com", "VIP_NURTURE", 3, 1_000, 1);
        Recommendation snoozed = recommendation("c.com", "VIP_NURTURE", 3, 1_000, 1);
        pipelineWrites(url, open, claimed, snoozed);
        queue.claim(idOf("b.com", "VIP_NURTURE"), "dana", null);
        queue.snooze(idOf("c.com", "VIP_NURTURE"), agent("dana"), day(30), null);

        pipelineWrites(url, retired(open, day(2).toEpochMilli()), retired(claimed, day(2).toEpochMilli()),
                retired(snoozed, day(2).toEpochMilli()));

        assertThat(reload(idOf("a.com", "VIP_NURTURE")).status()).isEqualTo("SUPERSEDED");
        assertThat(reload(idOf("b.com", "VIP_NURTURE")).status()).isEqualTo("CLAIMED");
        QueuedAction wasSnoozed = reload(idOf("c.com", "VIP_NURTURE"));
        assertThat(wasSnoozed.status()).isEqualTo("SUPERSEDED");
        assertThat(wasSnoozed.snoozedUntil()).isNull();
        assertThat(queue.show(wasSnoozed.id()).history()).last()
                .isEqualTo(new Transition("2026-03-04T00:00:00Z", "pipeline", "SNOOZED", "SUPERSEDED",
                        "no longer recommended"));

        pipelineWrites(url, recommendation("a.com", "VIP_NURTURE", 3, 1_000, 3));
        assertThat(reload(idOf("a.com", "VIP_NURTURE")).status()).isEqualTo("OPEN");
        assertThat(queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, null, 100)))
                .as("kept, not deleted, never duplicated").hasSize(3);
    }

    @Test
    void aRetiredRowKeepsItsContentAndARetiredUnknownPairWritesNothing() throws Exception {
        Recommendation written = recommendation("a.com", "VIP_NURTURE", 3, 1_000, 1);
        written.setCohorts("[\"QUIET_HIGH_VALUE\"]");
        written.setIndustry("Retail");
        written.setSizeSegment("Large");
        written.setReasons("[{\"rule\":\"vip\"}]");
        written.setPlaybook("[\"call\"]");
        written.setRulesetVersion("pack-1");
        pipelineWrites(url, written);
        QueuedAction before = reload(idOf("a.com", "VIP_NURTURE"));

        Recommendation retired = Recommendation.retired("a.com", "VIP_NURTURE", "pack-2", day(2).toEpochMilli());
        pipelineWrites(url, retired, Recommendation.retired("z.com", "VIP_NURTURE", "pack-2", day(2).toEpochMilli()));

        QueuedAction after = reload(before.id());
        assertThat(after.status()).isEqualTo("SUPERSEDED");
        assertThat(after.rulesetVersion()).isEqualTo("pack-2");
        assertThat(after.validAsOf()).isEqualTo("2026-03-04T00:00:00Z");
        assertThat(after).as("the content columns are those last written")
                .usingRecursiveComparison().ignoringFields("status", "rulesetVersion", "validAsOf").isEqualTo(before);
        assertThat(rows(url, "SELECT pipeline_status, industry, size_segment FROM recommended_actions"
                + " WHERE customer_id = 'a.com'")).containsExactly("SUPERSEDED | Retail | Large");
        assertThat(queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, "z.com", 10)))
                .as("a pair never written").isEmpty();
    }

    @Test
    void aClosedActionComesBackOnlyOnNewEvidenceAfterItsCooldown() throws Exception {
        queue.setCooldown("URGENT_RETAIN", 7);
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("acme.com", "CLOSE_MONITOR", 4, 50_000, 1));
        long retain = idOf("acme.com", "URGENT_RETAIN");
        long monitor = idOf("acme.com", "CLOSE_MONITOR");
        clock.set(day(10));
        QueuedAction done = queue.done(retain, agent("dana"), Outcome.SAVED, "renewal signed");
        queue.dismiss(monitor, agent("dana"), "duplicate of the retain call");
        assertThat(done.reopenAfter()).as("closed on day 10 + 7 days").isEqualTo("2026-03-19T00:00:00Z");
        assertThat(reload(monitor).reopenAfter()).as("default cooldown: 30 days").isEqualTo("2026-04-11T00:00:00Z");

        // The same evidence again (a replay) and new evidence inside the cooldown change nothing.
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("acme.com", "URGENT_RETAIN", 1, 52_000, 16),
                recommendation("acme.com", "CLOSE_MONITOR", 4, 50_000, 16));
        assertThat(reload(retain).status()).isEqualTo("DONE");
        assertThat(reload(retain).predicted6mRevenue()).as("the recommendation itself is updated").isEqualTo(52_000);
        assertThat(reload(monitor).status()).isEqualTo("DISMISSED");

        // New evidence after the cooldown reopens it as a new cycle.
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 53_000, 17));
        QueuedAction reopened = reload(retain);
        assertThat(reopened.status()).isEqualTo("OPEN");
        assertThat(reopened.assignee()).isNull();
        assertThat(reopened.outcome()).isNull();
        assertThat(reopened.notes()).isNull();
        assertThat(reopened.firstValidAsOf()).isEqualTo("2026-03-19T00:00:00Z");
        assertThat(queue.show(retain).history()).extracting(Transition::to)
                .containsExactly("OPEN", "DONE", "OPEN");
        assertThat(queue.show(retain).history().get(1).note()).isEqualTo("renewal signed");
        assertThat(reload(monitor).status()).isEqualTo("DISMISSED");
    }

    @Test
    void everyTransitionIsInTheHistoryWithWhoWhenAndWhy() throws Exception {
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1));
        long id = idOf("acme.com", "URGENT_RETAIN");
        clock.set(day(10));
        queue.claim(id, "dana", "calling today");
        clock.set(day(10).plusSeconds(60));
        queue.snooze(id, agent("dana"), day(12), "no answer");
        clock.set(day(13));
        assertThat(queue.list(QueueFilter.live())).extracting(QueuedAction::status).containsExactly("OPEN");
        queue.next("lee");
        queue.release(id, agent("lee"), null);
        queue.done(id, agent("kim"), Outcome.NO_ACTION, "already renewed");

        assertThat(queue.show(id).history()).containsExactly(
                new Transition("2026-03-03T00:00:00Z", "pipeline", null, "OPEN", "recommended"),
                new Transition("2026-03-12T00:00:00Z", "dana", "OPEN", "CLAIMED", "calling today"),
                new Transition("2026-03-12T00:01:00Z", "dana", "CLAIMED", "SNOOZED", "no answer"),
                new Transition("2026-03-14T00:00:00Z", "clock", "SNOOZED", "OPEN", "snooze ended"),
                new Transition("2026-03-15T00:00:00Z", "lee", "OPEN", "CLAIMED", "next in the queue"),
                new Transition("2026-03-15T00:00:00Z", "lee", "CLAIMED", "OPEN", null),
                new Transition("2026-03-15T00:00:00Z", "kim", "OPEN", "DONE", "already renewed"));
        QueuedAction done = reload(id);
        assertThat(done.outcome()).isEqualTo("no_action");
        assertThat(done.closedAt()).isEqualTo("2026-03-15T00:00:00Z");
    }

    @Test
    void nextTakesSeverityThenRevenueAtRiskThenDueTime() throws Exception {
        pipelineWrites(url,
                recommendation("low-prio.com", "CLOSE_MONITOR", 4, 900_000, 1),
                recommendation("small.com", "URGENT_RETAIN", 1, 10_000, 1),
                recommendation("big-late.com", "URGENT_RETAIN", 1, 80_000, 5),
                recommendation("big-early.com", "URGENT_RETAIN", 1, 80_000, 2));
        List<String> order = new ArrayList<>();
        for (Optional<QueuedAction> a = queue.next("dana"); a.isPresent(); a = queue.next("dana")) {
            order.add(a.get().customerId());
        }
        assertThat(order).containsExactly("big-early.com", "big-late.com", "small.com", "low-prio.com");
        assertThat(queue.next("dana")).isEmpty();
    }

    @Test
    void listFiltersByStatusActionTierAssigneeAndCustomer() throws Exception {
        Recommendation lowValue = recommendation("b.com", "SELF_SERVICE", 5, 100, 1);
        lowValue.setValueTier("Low");
        lowValue.setRiskTier("Low");
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 100, 1), lowValue,
                recommendation("c.com", "URGENT_RETAIN", 1, 50, 1));
        queue.claim(idOf("c.com", "URGENT_RETAIN"), "dana", null);

        assertThat(queue.list(new QueueFilter(Set.of(Status.OPEN), null, null, null, null, 10)))
                .extracting(QueuedAction::customerId).containsExactly("a.com", "b.com");
        assertThat(queue.list(new QueueFilter(null, "urgent_retain", null, null, null, 10)))
                .extracting(QueuedAction::customerId).containsExactly("a.com", "c.com");
        assertThat(queue.list(new QueueFilter(null, null, "Low", null, null, 10)))
                .extracting(QueuedAction::customerId).containsExactly("b.com");
        assertThat(queue.list(new QueueFilter(null, null, null, "dana", null, 10)))
                .extracting(QueuedAction::customerId).containsExactly("c.com");
        assertThat(queue.list(new QueueFilter(null, null, null, null, "B.com", 10)))
                .extracting(QueuedAction::action).containsExactly("SELF_SERVICE");
        assertThat(queue.list(new QueueFilter(null, null, null, null, null, 1))).hasSize(1);
    }

    @Test
    void badRequestsFailWithAClearMessageAndChangeNothing() throws Exception {
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1));
        long id = idOf("acme.com", "URGENT_RETAIN");
        queue.claim(id, "dana", null);

        assertThatThrownBy(() -> queue.claim(id, "lee", null)).isInstanceOfSatisfying(QueueException.class, e -> {
            assertThat(e.kind()).isEqualTo(QueueException.Kind.ILLEGAL_TRANSITION);
            assertThat(e.getMessage()).isEqualTo("cannot claim action " + id + ": it is CLAIMED by dana"
                    + " (claim needs [OPEN, SNOOZED])");
        });
        assertThatThrownBy(() -> queue.done(999_999, agent("dana"), Outcome.SAVED, null))
                .isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueueException.Kind.NOT_FOUND))
                .hasMessage("no action with id 999999");
        assertThatThrownBy(() -> queue.snooze(id, agent("dana"), day(9), null)).hasMessageContaining("is not in the future");
        assertThatThrownBy(() -> queue.next("dana; drop table")).hasMessageContaining("is not valid");
        assertThatThrownBy(() -> queue.done(id, agent("dana"), null, null)).hasMessageContaining("needs an outcome");
        assertThatThrownBy(() -> Outcome.parse("won")).hasMessage(
                "unknown outcome 'won' (one of saved, churned, downgraded, renewed, expanded, no_action)");

        queue.done(id, agent("dana"), Outcome.SAVED, null);
        assertThatThrownBy(() -> queue.dismiss(id, agent("dana"), null)).hasMessageContaining("it is DONE");
        assertThat(queue.show(id).history()).extracting(Transition::to).containsExactly("OPEN", "CLAIMED", "DONE");
    }

    @Test
    void aClaimedActionIsOnlyItsAssigneesToChange() throws Exception {
        pipelineWrites(url, recommendation("acme.com", "URGENT_RETAIN", 1, 50_000, 1));
        long id = idOf("acme.com", "URGENT_RETAIN");
        queue.claim(id, "dana", "calling today");

        String refused = "cannot %s action " + id + ": it is claimed by dana, and only dana or a lead may";
        assertNotYours(() -> queue.done(id, agent("lee"), Outcome.SAVED, null), refused.formatted("mark done"));
        assertNotYours(() -> queue.release(id, agent("lee"), null), refused.formatted("release"));
        assertNotYours(() -> queue.snooze(id, agent("lee"), day(20), null), refused.formatted("snooze"));
        assertNotYours(() -> queue.dismiss(id, agent("lee"), null), refused.formatted("dismiss"));
        QueuedAction untouched = reload(id);
        assertThat(untouched.status()).isEqualTo("CLAIMED");
        assertThat(untouched.assignee()).isEqualTo("dana");
        assertThat(untouched.notes()).isEqualTo("calling today");

        QueuedAction released = queue.release(id, agent("dana"), "out sick");
        assertThat(released.status()).isEqualTo("OPEN");
        assertThat(released.assignee()).isNull();
        assertThat(queue.show(id).history()).extracting(Transition::actor, Transition::to)
                .containsExactly(tuple("pipeline", "OPEN"), tuple("dana", "CLAIMED"), tuple("dana", "OPEN"));

        queue.claim(id, "lee", null);
        assertThat(queue.done(id, agent("lee"), Outcome.SAVED, null).status()).as("now lee's").isEqualTo("DONE");
    }

    @Test
    void aLeadMayChangeAnyonesClaimAndTheHistoryNamesTheLead() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("b.com", "URGENT_RETAIN", 1, 40_000, 1),
                recommendation("c.com", "URGENT_RETAIN", 1, 30_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");
        long b = idOf("b.com", "URGENT_RETAIN");
        long c = idOf("c.com", "URGENT_RETAIN");
        for (long id : new long[] {a, b, c}) {
            queue.claim(id, "dana", null);
        }

        QueuedAction done = queue.done(a, Actor.lead("kim"), Outcome.SAVED, "closed for dana");
        assertThat(done.status()).isEqualTo("DONE");
        assertThat(done.assignee()).as("still dana's work").isEqualTo("dana");
        assertThat(queue.show(a).history()).last().extracting(Transition::actor, Transition::from, Transition::to,
                Transition::note).containsExactly("kim", "CLAIMED", "DONE", "closed for dana");
        assertThat(queue.release(b, Actor.lead("kim"), null).status()).isEqualTo("OPEN");
        assertThat(queue.show(b).history()).last().extracting(Transition::actor).isEqualTo("kim");
        assertThat(queue.snooze(c, Actor.lead("kim"), day(20), null).status()).isEqualTo("SNOOZED");
        assertThat(queue.dismiss(c, Actor.lead("kim"), null).status()).isEqualTo("DISMISSED");
        assertThat(rows(url, "SELECT status_changed_by FROM recommended_actions ORDER BY customer_id"))
                .containsExactly("kim", "kim", "kim");
    }

    /** Unclaimed work is the team's: any agent may snooze, dismiss or finish it (the history names who). */
    @Test
    void anUnclaimedActionIsAnyAgentsToSnoozeDismissOrFinish() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("b.com", "URGENT_RETAIN", 1, 40_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");
        long b = idOf("b.com", "URGENT_RETAIN");
        queue.claim(a, "dana", null);
        queue.snooze(a, agent("dana"), day(20), "on holiday");

        assertThat(reload(a).assignee()).as("a snooze hands the action back to the team").isNull();
        assertThat(queue.dismiss(a, agent("lee"), "not needed").status()).isEqualTo("DISMISSED");
        assertThat(queue.snooze(b, agent("lee"), day(20), null).status()).isEqualTo("SNOOZED");
        QueuedAction done = queue.done(b, agent("kim"), Outcome.NO_ACTION, null);
        assertThat(done.assignee()).as("whoever closes unassigned work").isEqualTo("kim");
        assertThat(queue.show(a).history()).last().extracting(Transition::actor).isEqualTo("lee");
    }

    // --- snoozes wake wherever the queue is read or changed ---

    /** One URGENT_RETAIN action, snoozed by dana until day 12; its id. */
    private long snoozedUntilDay12() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");
        queue.snooze(a, agent("dana"), day(12), "after the audit");
        return a;
    }

    @Test
    void aSnoozedActionIsNextAgainOnceItsTimeComes() throws Exception {
        long a = snoozedUntilDay12();
        clock.set(day(11));
        assertThat(queue.next("kim")).as("still snoozed").isEmpty();

        clock.set(day(12));

        assertThat(queue.next("kim")).as("woken by next").get().extracting(QueuedAction::id, QueuedAction::status)
                .containsExactly(a, "CLAIMED");
    }

    @Test
    void aSnoozedActionShowsAsOpenOnceItsTimeComes() throws Exception {
        long a = snoozedUntilDay12();
        clock.set(day(13));

        QueuedAction shown = queue.show(a).action();

        assertThat(shown.status()).as("woken by show").isEqualTo("OPEN");
        assertThat(shown.snoozedUntil()).isNull();
        assertThat(rows(url, "SELECT status_changed_by, status_note FROM recommended_actions"))
                .containsExactly("clock | snooze ended");
    }

    @Test
    void aChangeToASnoozedActionWhoseTimeCameStartsFromOpen() throws Exception {
        long a = snoozedUntilDay12();
        clock.set(day(13));

        QueuedAction claimed = queue.claim(a, "kim", "calling now");

        assertThat(claimed).extracting(QueuedAction::status, QueuedAction::assignee, QueuedAction::claimedAt)
                .containsExactly("CLAIMED", "kim", "2026-03-15T00:00:00Z");
        assertThat(queue.show(a).history()).last().extracting(Transition::from, Transition::to)
                .as("the snooze ended first").containsExactly("OPEN", "CLAIMED");
    }

    // --- who may act, notes, cooldowns ---

    @Test
    void anAgentNameThatIsNotANameIsRefusedAndChangesNothing() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");

        assertThatThrownBy(() -> queue.claim(a, "kim; DROP TABLE", null)).isInstanceOf(QueueException.class)
                .hasMessageContaining("agent name 'kim; DROP TABLE' is not valid");
        assertThatThrownBy(() -> queue.next(" ")).isInstanceOf(QueueException.class);
        assertThat(reload(a).status()).isEqualTo("OPEN");
    }

    @Test
    void notesAccumulateOverACycleAndABlankNoteAddsNothing() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");

        queue.claim(a, "dana", "called, no answer");
        queue.release(a, agent("dana"), "  ");
        queue.claim(a, "kim", "left a voicemail");

        assertThat(reload(a).notes()).isEqualTo("called, no answer\nleft a voicemail");
        assertThat(rows(url, "SELECT status_note FROM recommended_actions")).containsExactly("left a voicemail");
    }

    @Test
    void aNoteOfTheLongestLengthIsKeptAndOneLongerIsRefused() throws Exception {
        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1));
        long a = idOf("a.com", "URGENT_RETAIN");

        assertThatThrownBy(() -> queue.claim(a, "dana", "x".repeat(2001))).isInstanceOf(QueueException.class)
                .hasMessageContaining("at most 2000 characters");
        assertThat(queue.claim(a, "dana", "x".repeat(2000)).notes()).hasSize(2000);
    }

    @Test
    void cooldownsAreSetPerActionAndForTheRest() throws Exception {
        queue.setCooldown("urgent_retain", 0);
        queue.setCooldown(SinkDatabase.DEFAULT_COOLDOWN_KEY, 14);
        assertThatThrownBy(() -> queue.setCooldown("CLOSE_MONITOR", -1)).isInstanceOf(QueueException.class);

        assertThat(queue.cooldowns()).containsEntry("URGENT_RETAIN", 0)
                .containsEntry(SinkDatabase.DEFAULT_COOLDOWN_KEY, 14).doesNotContainKey("CLOSE_MONITOR");

        pipelineWrites(url, recommendation("a.com", "URGENT_RETAIN", 1, 50_000, 1),
                recommendation("a.com", "CLOSE_MONITOR", 4, 50_000, 1));
        assertThat(queue.done(idOf("a.com", "URGENT_RETAIN"), agent("dana"), Outcome.SAVED, null).reopenAfter())
                .as("no cooldown: may come back at once").isEqualTo("2026-03-12T00:00:00Z");
        assertThat(queue.dismiss(idOf("a.com", "CLOSE_MONITOR"), agent("dana"), null).reopenAfter())
                .as("the rest's cooldown, as set").isEqualTo("2026-03-26T00:00:00Z");
    }

    @Test
    void aSnoozeTimeIsAnInstantADateOrADurationFromNow() {
        assertThat(queue.parseUntil(" P3D ")).isEqualTo(day(13));
        assertThat(queue.parseUntil("pt4h")).isEqualTo(day(10).plusSeconds(4 * 3600));
        assertThat(queue.parseUntil("2026-03-02")).isEqualTo(java.time.Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(queue.parseUntil("2026-03-02T09:00:00Z")).isEqualTo(java.time.Instant.parse("2026-03-02T09:00:00Z"));
        assertThatThrownBy(() -> queue.parseUntil("next tuesday")).isInstanceOf(QueueException.class)
                .hasMessageContaining("cannot read the time 'next tuesday'");
        assertThatThrownBy(() -> queue.parseUntil(null)).isInstanceOf(QueueException.class);
    }

    /**
     * Eight agents claim one action each per round and, together, try to finish their neighbour's
     * and then their own: nobody ever finishes a colleague's action, and every action is finished
     * by the one who claimed it.
     */
    @Test
    void eightAgentsFinishingInParallelNeverFinishEachOthersActions() throws Exception {
        int agents = 8;
        int rounds = 20;
        pipelineWrites(url, many(agents * rounds, "URGENT_RETAIN"));
        AtomicLongArray claimedThisRound = new AtomicLongArray(agents);
        CyclicBarrier everyoneClaimed = new CyclicBarrier(agents);
        CyclicBarrier everyoneFinished = new CyclicBarrier(agents);
        AtomicInteger finishedAColleagues = new AtomicInteger();
        ConcurrentLinkedQueue<QueueException.Kind> refusals = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        List<Future<?>> running = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            int me = a;
            Actor actor = agent("agent-" + a);
            running.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    claimedThisRound.set(me, queue.next(actor.name()).orElseThrow().id());
                    everyoneClaimed.await(30, TimeUnit.SECONDS);
                    try {
                        queue.done(claimedThisRound.get((me + 1) % agents), actor, Outcome.SAVED, "not mine");
                        finishedAColleagues.incrementAndGet();
                    } catch (QueueException e) {
                        refusals.add(e.kind());
                    }
                    queue.done(claimedThisRound.get(me), actor, Outcome.SAVED, null);
                    everyoneFinished.await(30, TimeUnit.SECONDS); // nobody reads the next round's claims early
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(finishedAColleagues).hasValue(0);
        assertThat(refusals).hasSize(agents * rounds).contains(QueueException.Kind.NOT_YOURS)
                .allMatch(k -> k == QueueException.Kind.NOT_YOURS || k == QueueException.Kind.ILLEGAL_TRANSITION);
        List<QueuedAction> done = queue.list(new QueueFilter(Set.of(Status.DONE), null, null, null, null, 10_000));
        assertThat(done).hasSize(agents * rounds);
        for (QueuedAction action : done) {
            assertThat(queue.show(action.id()).history()).extracting(Transition::actor)
                    .as("claimed and finished by one agent").containsExactly("pipeline", action.assignee(),
                            action.assignee());
        }
    }

    private static void assertNotYours(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QueueException.class,
                e -> assertThat(e.kind()).isEqualTo(QueueException.Kind.NOT_YOURS)).hasMessage(message);
    }

    /** Eight agents on eight connections claim until the queue is empty. */
    @Test
    void eightAgentsInParallelClaimEveryActionExactlyOnce() throws Exception {
        int actions = 400;
        pipelineWrites(url, many(actions, "URGENT_RETAIN"));

        ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService agents = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            String agent = "agent-" + a;
            done.add(agents.submit(() -> {
                for (Optional<QueuedAction> next = queue.next(agent); next.isPresent(); next = queue.next(agent)) {
                    claimed.add(next.get().id());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        agents.shutdown();

        assertThat(claimed).hasSize(actions).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(allIds());
        assertThat(queue.list(new QueueFilter(Set.of(Status.CLAIMED), null, null, null, null, 10_000)))
                .hasSize(actions);
    }

    /**
     * Eight agents, each a separate JVM running the real `pulse queue next` until nothing is OPEN.
     * Tagged: the mutation profile leaves it out (eight JVMs per mutant; the in-process tests above
     * cover the same claims).
     */
    @Test
    @Tag("processes")
    void eightCliProcessesInParallelClaimEveryActionExactlyOnce() throws Exception {
        int actions = 400;
        pipelineWrites(url, many(actions, "CLOSE_MONITOR"));

        ExecutorService agents = Executors.newFixedThreadPool(8);
        List<Future<PulseProcess>> processes = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            String agent = "process-" + a;
            processes.add(agents.submit(() -> PulseProcess.run("queue", "next", "--agent", agent,
                    "--count", String.valueOf(actions), "--sink", url, "--json")));
        }
        List<Long> claimed = new ArrayList<>();
        for (Future<PulseProcess> f : processes) {
            PulseProcess p = f.get();
            assertThat(p.exitCode()).as(p.stderr()).isIn(0, 3); // 3: nothing was left for this one
            for (String line : p.stdout().lines().toList()) {
                claimed.add(QueueJson.mapper().readTree(line).get("id").asLong());
            }
        }
        agents.shutdown();

        assertThat(claimed).hasSize(actions).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(allIds());
    }

    private Set<Long> allIds() throws SQLException {
        Set<Long> ids = new HashSet<>();
        for (QueuedAction a : queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, null, 10_000))) {
            ids.add(a.id());
        }
        return ids;
    }
}
