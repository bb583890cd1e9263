package io.pulse.queue;

import io.pulse.actions.SinkDatabase;
import io.pulse.model.Recommendation;
import io.pulse.testing.QueueFixtures.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue as a CS team works it, run on each database by a thin subclass: each account has an
 * owner, `next` gives an agent their own accounts first and then the unowned ones, nobody takes on
 * more than their weekly capacity, and leads assign and see what overflows.
 */
abstract class TeamQueueContract {
    private String url;
    private TestClock clock;
    private ActionQueue queue;

    /** A JDBC URL of an empty database of the kind under test. */
    abstract String newDatabaseUrl() throws Exception;

    @BeforeEach
    void openQueue() throws Exception {
        url = newDatabaseUrl();
        SinkDatabase.of(url).createSchema();
        clock = new TestClock(day(10)); // a Thursday: the week started on day 7
        queue = ActionQueue.open(url, 8, clock);
        queue.setMember("dana", "Dana.Doe@CS.example ", "Dana Doe", null);
        queue.setMember("lee", "lee@cs.example", "Lee Park", null);
    }

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private static Recommendation owned(String customer, String owner, int priority, double revenue) {
        Recommendation r = recommendation(customer, "URGENT_RETAIN", priority, revenue, 1);
        r.setOwner(owner);
        return r;
    }

    private List<String> drain(String agent) throws SQLException {
        List<String> taken = new ArrayList<>();
        for (Optional<QueuedAction> a = queue.next(agent); a.isPresent(); a = queue.next(agent)) {
            taken.add(a.get().customerId());
        }
        return taken;
    }

    private long idOf(String customer) throws SQLException {
        return queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, customer, 1)).get(0).id();
    }

    @Test
    void nextGivesAnAgentTheirOwnAccountsFirstThenTheUnownedNeverAColleagues() throws Exception {
        pipelineWrites(url,
                owned("lees-top.com", "lee@cs.example", 1, 900_000),
                owned("danas-low.com", "dana.doe@cs.example", 4, 1_000),
                owned("danas-high.com", "dana.doe@cs.example", 2, 5_000),
                owned("unowned.com", null, 3, 50_000),
                owned("left-the-company.com", "gone@cs.example", 1, 20_000));

        assertThat(queue.list(new QueueFilter(null, null, null, null, null, 10, " Dana.Doe@cs.example")))
                .as("her book, whatever the case").extracting(QueuedAction::customerId)
                .containsExactly("danas-high.com", "danas-low.com");
        assertThat(drain("dana")).containsExactly("danas-high.com", "danas-low.com", "left-the-company.com",
                "unowned.com");
        QueuedAction lees = queue.show(idOf("lees-top.com")).action();
        assertThat(lees.status()).as("a colleague's account stays theirs").isEqualTo("OPEN");
        assertThat(lees.owner()).isEqualTo("lee@cs.example");
        assertThat(queue.show(idOf("danas-high.com")).history()).last().extracting(Transition::note)
                .isEqualTo("next of own accounts");
        assertThat(queue.show(idOf("unowned.com")).history()).last().extracting(Transition::note)
                .isEqualTo("next in the queue");
        assertThat(drain("lee")).containsExactly("lees-top.com");
        assertThat(drain("sam")).as("without an e-mail, only unowned work, and none is left").isEmpty();
    }

    @Test
    void aReassignedAccountMovesItsOpenActionToTheNewOwnersBook() throws Exception {
        pipelineWrites(url, owned("moving.com", "lee@cs.example", 1, 10_000));
        Recommendation reassigned = recommendation("moving.com", "URGENT_RETAIN", 1, 10_000, 2);
        reassigned.setOwner("dana.doe@cs.example");
        pipelineWrites(url, reassigned);

        assertThat(drain("lee")).isEmpty();
        assertThat(drain("dana")).containsExactly("moving.com");
    }

    @Test
    void nobodyTakesOnMoreThanTheirWeeklyCapacity() throws Exception {
        queue.setMember("dana", null, null, 2);
        for (int i = 0; i < 5; i++) {
            pipelineWrites(url, owned("c" + i + ".com", null, 1, 1_000 * (5 - i)));
        }
        long first = queue.next("dana").orElseThrow().id();
        queue.next("dana").orElseThrow();
        assertThatThrownBy(() -> queue.next("dana")).isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueueException.Kind.CAPACITY))
                .hasMessage("dana has taken on 2 actions this week, their capacity of 2: finish or release one,"
                        + " or ask a lead to raise it (pulse queue team --set dana --capacity N)");
        assertThatThrownBy(() -> queue.claim(idOf("c2.com"), "dana", null)).isInstanceOf(QueueException.class)
                .hasMessageStartingWith("dana has taken on 2 actions this week");
        assertThat(queue.show(idOf("c2.com")).action().status()).as("a refused claim changes nothing")
                .isEqualTo("OPEN");

        queue.done(first, Actor.agent("dana"), Outcome.SAVED, null);
        assertThatThrownBy(() -> queue.next("dana")).as("finished work still counts this week")
                .isInstanceOf(QueueException.class);
        queue.release(idOf("c1.com"), Actor.agent("dana"), "no time");
        assertThat(queue.next("dana")).as("released work gives the unit back").isPresent();

        clock.set(day(14)); // the next Monday, 00:00 UTC
        assertThat(queue.member("dana").takenThisWeek()).isZero();
        assertThat(queue.next("dana")).isPresent();
        assertThat(queue.next("dana")).isPresent();
        assertThatThrownBy(() -> queue.next("dana")).isInstanceOf(QueueException.class);
    }

    @Test
    void theTeamDefaultAppliesToEveryoneWithoutTheirOwnCapacity() throws Exception {
        queue.setMember(ActionQueue.DEFAULT_MEMBER, null, null, 1);
        queue.setMember("lee", null, null, 3);
        for (int i = 0; i < 5; i++) {
            pipelineWrites(url, owned("c" + i + ".com", null, 1, 1_000));
        }
        assertThat(drainUntilFull("dana")).isEqualTo(1);
        assertThat(drainUntilFull("sam")).as("not on the team: the default too").isEqualTo(1);
        assertThat(drainUntilFull("lee")).isEqualTo(3);
        assertThat(queue.team()).extracting(TeamMember::agent, TeamMember::weeklyCapacity, TeamMember::ownCapacity,
                TeamMember::takenThisWeek)
                .containsExactly(org.assertj.core.api.Assertions.tuple("dana", 1, false, 1),
                        org.assertj.core.api.Assertions.tuple("lee", 3, true, 3));
    }

    private int drainUntilFull(String agent) throws SQLException {
        int taken = 0;
        try {
            while (queue.next(agent).isPresent()) {
                taken++;
            }
        } catch (QueueException e) {
            assertThat(e.kind()).isEqualTo(QueueException.Kind.CAPACITY);
        }
        return taken;
    }

    @Test
    void aLeadAssignsWorkToSomeoneWithCapacityAndTheHistorySaysWho() throws Exception {
        pipelineWrites(url, owned("a.com", null, 1, 1_000), owned("b.com", null, 1, 900));
        long a = idOf("a.com");
        assertThatThrownBy(() -> queue.assign(a, Actor.agent("dana"), "lee", null))
                .isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueueException.Kind.NOT_YOURS))
                .hasMessage("cannot assign action " + a + " to lee: only a lead may assign");

        queue.claim(a, "dana", null);
        QueuedAction moved = queue.assign(a, Actor.lead("maria"), "lee", "dana is out");
        assertThat(moved.status()).isEqualTo("CLAIMED");
        assertThat(moved.assignee()).isEqualTo("lee");
        assertThat(queue.show(a).history()).last().extracting(Transition::actor, Transition::from, Transition::to,
                Transition::note).containsExactly("maria", "CLAIMED", "CLAIMED", "assigned to lee: dana is out");
        assertThatThrownBy(() -> queue.done(a, Actor.agent("dana"), Outcome.SAVED, null))
                .as("no longer dana's").isInstanceOf(QueueException.class);

        queue.setMember("sam", null, null, 0);
        long b = idOf("b.com");
        assertThatThrownBy(() -> queue.assign(b, Actor.lead("maria"), "sam", null))
                .isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueueException.Kind.CAPACITY));
        assertThat(queue.show(b).action().status()).isEqualTo("OPEN");
    }

    @Test
    void theOverflowIsTheOpenWorkBeyondTheTeamsRemainingCapacityInQueueOrder() throws Exception {
        queue.setMember("dana", null, null, 2);
        queue.setMember("lee", null, null, 1);
        pipelineWrites(url,
                owned("p1-big.com", null, 1, 90_000),
                owned("p1-small.com", "lee@cs.example", 1, 1_000),
                owned("p2.com", null, 2, 500_000),
                owned("p3.com", null, 3, 2_000),
                owned("p4.com", null, 4, 100),
                owned("p5.com", null, 5, 100));
        queue.next("dana"); // p1-big: dana has 1 left, lee 1: the team can take on 2 more

        Overflow overflow = queue.overflow(50);
        assertThat(overflow.remainingCapacity()).isEqualTo(2);
        assertThat(overflow.open()).isEqualTo(5);
        assertThat(overflow.actions()).extracting(QueuedAction::customerId).containsExactly("p3.com", "p4.com", "p5.com");
        assertThat(queue.overflow(2).actions()).hasSize(2);
    }

    @Test
    void teamChangesAreCheckedAndAnEmailBelongsToOneMember() throws Exception {
        assertThat(queue.member("dana").email()).as("kept trimmed and in lower case").isEqualTo("dana.doe@cs.example");
        assertThatThrownBy(() -> queue.setMember("sam", "lee@cs.example", null, null))
                .hasMessage("lee@cs.example is already lee's e-mail");
        assertThatThrownBy(() -> queue.setMember("sam", "not-an-address", null, null))
                .hasMessage("'not-an-address' is not an e-mail address");
        assertThatThrownBy(() -> queue.setMember("sam", null, null, -1))
                .hasMessage("a weekly capacity cannot be negative: -1");
        assertThatThrownBy(() -> queue.setMember("'; DROP TABLE queue_team; --", null, null, 1))
                .hasMessageStartingWith("agent name");
        assertThatThrownBy(() -> queue.setMember(ActionQueue.DEFAULT_MEMBER, "x@y.example", null, 3))
                .hasMessage("the team default (*) takes a capacity only");
        assertThat(queue.team()).extracting(TeamMember::agent).containsExactly("dana", "lee");

        TeamMember changed = queue.setMember("dana", null, "Dana D.", 7);
        assertThat(queue.member("dana")).as("what setMember answers is the member as stored").isEqualTo(changed);
        TeamMember dana = queue.member("dana");
        assertThat(dana.email()).as("a change keeps what it does not name").isEqualTo("dana.doe@cs.example");
        assertThat(dana.displayName()).isEqualTo("Dana D.");
        assertThat(dana.weeklyCapacity()).isEqualTo(7);
        assertThat(queue.defaultCapacity()).isEqualTo(25);
        queue.setMember(ActionQueue.DEFAULT_MEMBER, null, null, 40);
        assertThat(queue.defaultCapacity()).as("the * row").isEqualTo(40);
        assertThat(queue.member("sam").weeklyCapacity()).as("someone without a row: the default").isEqualTo(40);

        assertThatThrownBy(() -> queue.member("not a name")).hasMessageStartingWith("agent name 'not a name'");
        assertThatThrownBy(() -> queue.assign(1, new Actor("kim", true), "not a name", null))
                .hasMessageStartingWith("agent name 'not a name'");
    }

    @Test
    void theOverflowCountsASnoozedActionWhoseTimeHasComeAsOpen() throws Exception {
        queue.setMember(ActionQueue.DEFAULT_MEMBER, null, null, 0);
        pipelineWrites(url, owned("later.com", null, 2, 1_000));
        queue.snooze(idOf("later.com"), new Actor("dana", false), day(12), "after the QBR");
        assertThat(queue.overflow(10).open()).as("snoozed").isZero();
        clock.set(day(12).plusSeconds(1));
        assertThat(queue.overflow(10).actions()).as("awake again, beyond a team of no capacity")
                .extracting(QueuedAction::customerId).containsExactly("later.com");
    }

    @Test
    void anActionPastItsDueTimeEscalatesOnceAPriorityStepAndARescoreKeepsTheStep() throws Exception {
        Recommendation late = owned("late.com", null, 3, 1_000);
        late.setDueAt(day(12).toEpochMilli());
        Recommendation onTime = owned("on-time.com", null, 2, 900_000);
        onTime.setDueAt(day(40).toEpochMilli());
        Recommendation top = owned("top.com", null, 1, 5);
        top.setDueAt(day(12).toEpochMilli());
        pipelineWrites(url, late, onTime, top);
        long id = idOf("late.com");
        assertThat(queue.show(id).action().escalatedAt()).as("not due yet").isNull();

        clock.set(day(13));
        QueuedAction escalated = queue.show(id).action();
        assertThat(escalated.priority()).isEqualTo(2);
        assertThat(escalated.escalatedAt()).isEqualTo("2026-03-15T00:00:00Z");
        assertThat(queue.show(id).history()).last().isEqualTo(new Transition("2026-03-15T00:00:00Z", "clock", "OPEN",
                "OPEN", "overdue since 2026-03-14T00:00:00Z: escalated to priority 2"));
        assertThat(queue.show(idOf("top.com")).action().priority()).as("the top stays the top").isEqualTo(1);
        assertThat(queue.show(idOf("top.com")).action().escalatedAt()).isNotNull();
        assertThat(queue.show(idOf("on-time.com")).action().escalatedAt()).isNull();

        clock.set(day(20));
        assertThat(queue.show(id).history()).as("once a cycle").hasSize(2);
        assertThat(queue.show(id).action().priority()).isEqualTo(2);

        Recommendation rescored = owned("late.com", null, 3, 2_000);
        rescored.setValidAsOf(day(15).toEpochMilli());
        rescored.setDueAt(day(22).toEpochMilli());
        pipelineWrites(url, rescored);
        assertThat(queue.show(id).action().priority()).as("a re-score keeps the step").isEqualTo(2);
        assertThat(queue.show(id).action().predicted6mRevenue()).isEqualTo(2_000);
        assertThat(queue.next("dana").orElseThrow().customerId()).as("priority 1 first")
                .isEqualTo("top.com");
        assertThat(queue.next("dana").orElseThrow().customerId()).isEqualTo("on-time.com");
        assertThat(queue.next("dana").orElseThrow().customerId()).isEqualTo("late.com");
    }

    @Test
    void aClaimedActionEscalatesTooAndAReopenedCycleStartsWithoutTheFlag() throws Exception {
        Recommendation late = owned("late.com", null, 3, 1_000);
        late.setDueAt(day(12).toEpochMilli());
        pipelineWrites(url, late);
        long id = queue.next("dana").orElseThrow().id();
        clock.set(day(13));
        assertThat(queue.show(id).action().escalatedAt()).isNotNull();
        assertThat(queue.show(id).action().status()).isEqualTo("CLAIMED");
        assertThat(queue.show(id).action().assignee()).isEqualTo("dana");

        queue.done(id, Actor.agent("dana"), Outcome.SAVED, null);
        Recommendation again = owned("late.com", null, 3, 1_000);
        again.setValidAsOf(day(60).toEpochMilli());
        again.setDueAt(day(67).toEpochMilli());
        pipelineWrites(url, again); // after the 30-day cooldown: a new cycle
        QueuedAction reopened = queue.show(id).action();
        assertThat(reopened.status()).isEqualTo("OPEN");
        assertThat(reopened.escalatedAt()).isNull();
        assertThat(reopened.priority()).isEqualTo(3);
    }

    /**
     * Eight agents with capacities 1 to 8, each working from two sessions at once, claim until the
     * queue says they are full: each takes on exactly their capacity, no action goes to two people.
     */
    @Test
    void eightAgentsWithCapacitiesNeverExceedThemAndNeverShareAnAction() throws Exception {
        int agents = 8;
        for (int a = 0; a < agents; a++) {
            queue.setMember("agent-" + a, "agent-" + a + "@cs.example", null, a + 1);
        }
        List<Recommendation> work = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            work.add(owned("c" + i + ".com", i % 3 == 0 ? null : "agent-" + (i % agents) + "@cs.example", 1 + i % 5,
                    i * 10.0));
        }
        pipelineWrites(url, work.toArray(Recommendation[]::new));

        Map<String, List<Long>> taken = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> all = new ConcurrentLinkedQueue<>();
        AtomicInteger refusedOtherwise = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(2 * agents);
        ExecutorService pool = Executors.newFixedThreadPool(2 * agents);
        List<Future<?>> sessions = new ArrayList<>();
        for (int s = 0; s < 2 * agents; s++) {
            String agent = "agent-" + (s % agents);
            sessions.add(pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                try {
                    for (Optional<QueuedAction> a = queue.next(agent); a.isPresent(); a = queue.next(agent)) {
                        taken.computeIfAbsent(agent, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(a.get().id());
                        all.add(a.get().id());
                    }
                } catch (QueueException e) {
                    if (e.kind() != QueueException.Kind.CAPACITY) {
                        refusedOtherwise.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : sessions) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(refusedOtherwise).hasValue(0);
        assertThat(all).doesNotHaveDuplicates().hasSize(36);
        Map<String, Integer> counts = new HashMap<>();
        taken.forEach((agent, ids) -> counts.put(agent, ids.size()));
        for (int a = 0; a < agents; a++) {
            assertThat(counts.get("agent-" + a)).as("agent-" + a).isEqualTo(a + 1);
            assertThat(queue.member("agent-" + a).takenThisWeek()).isEqualTo(a + 1);
        }
        assertThat(queue.list(new QueueFilter(EnumSet.of(Status.CLAIMED), null, null, null, null, 1_000)))
                .hasSize(36);
    }
}
