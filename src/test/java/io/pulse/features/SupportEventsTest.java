package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.PlanChangeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.NavigableMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What one support event adds to its UTC day's bucket, and when a plan-change episode opens. */
class SupportEventsTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long D = 20_000; // an epoch day

    private static CustomerEvent conversation(EventType type, long time, String tags, String subject, double rating,
                                              boolean botFirst, double firstResponse) {
        CustomerEvent e = new CustomerEvent(type, "acme", time, "c" + time);
        e.conversation = new CustomerEvent.Conversation();
        e.conversation.tags = tags;
        e.conversation.subject = subject;
        e.conversation.rating = rating;
        e.conversation.botFirstResponse = botFirst;
        e.conversation.firstResponseMinutes = firstResponse;
        return e;
    }

    private static void created(NavigableMap<Long, DayActivity> days, CustomerEvent e) {
        SupportEvents.conversationCreated(days, e, ConversationTags.parse(e.conversation.tags));
    }

    @Test
    void aConversationCountsIntoItsDayByWhatItsTagsSay() {
        NavigableMap<Long, DayActivity> days = new TreeMap<>();
        created(days, conversation(EventType.CONVERSATION_CREATED, D * DAY + HOUR, "Bug, Escalation, API", null, 0,
                true, 0));
        created(days, conversation(EventType.CONVERSATION_CREATED, D * DAY + 2 * HOUR, "Training", null, 0, false, -1));
        created(days, conversation(EventType.CONVERSATION_CREATED, (D + 1) * DAY - 1, "Outage", null, 0, false, 12.5));
        DayActivity day = days.get(D);
        assertThat(days).containsOnlyKeys(D);
        assertThat(day.conversations).isEqualTo(3);
        assertThat(day.bugOrOutage).isEqualTo(2);
        assertThat(day.escalation).isEqualTo(1);
        assertThat(day.upgradeDrivers).isEqualTo(1);
        assertThat(day.botFirst).isEqualTo(1);
        assertThat(day.conversationTimes).containsExactly(D * DAY + HOUR, D * DAY + 2 * HOUR, (D + 1) * DAY - 1);
        assertThat(day.firstResponseMinutes).as("0 minutes is a time; -1 is unknown").containsExactly(0.0, 12.5);
    }

    @Test
    void aCloseCountsItsRatingIfRatedAndTheDaysLastCloseAndUsageItsFirstAndLastUse() {
        NavigableMap<Long, DayActivity> days = new TreeMap<>();
        SupportEvents.conversationClosed(days, conversation(EventType.CONVERSATION_CLOSED, D * DAY + 5 * HOUR, null,
                null, 4, false, -1));
        SupportEvents.conversationClosed(days, conversation(EventType.CONVERSATION_CLOSED, D * DAY + 3 * HOUR, null,
                null, 0, false, -1));
        DayActivity day = days.get(D);
        assertThat(day.rated).isEqualTo(1);
        assertThat(day.ratingSum).isEqualTo(4.0);
        assertThat(day.lastCloseAt).isEqualTo(D * DAY + 5 * HOUR);
        for (long at : new long[] {D * DAY + 9 * HOUR, D * DAY + 7 * HOUR, D * DAY + 11 * HOUR}) {
            CustomerEvent use = new CustomerEvent(EventType.PRODUCT_USAGE, "acme", at, "u" + at);
            use.usage = new CustomerEvent.ProductUsage();
            SupportEvents.productUsed(days, use);
        }
        assertThat(day.usage).isEqualTo(3);
        assertThat(day.firstUsageAt).isEqualTo(D * DAY + 7 * HOUR);
        assertThat(day.lastUsageAt).isEqualTo(D * DAY + 11 * HOUR);
    }

    @Test
    void aPlanChangeOpensAnEpisodeByItsSpendAndTalkOpensOneOnlyWhenNoneIsOpen() {
        CustomerRollingState s = new CustomerRollingState();
        s.firstEventDay = D - 40;
        CustomerEvent free = new CustomerEvent(EventType.PLAN_CHANGE, "acme", D * DAY + HOUR, "p1");
        free.planChange = new CustomerEvent.PlanChange();
        free.planChange.oldPlan = "Growth";
        free.planChange.newPlan = "Growth";
        free.planChange.monthlySpendDelta = 0; // no spend change: counted as an upgrade
        PlanChangeEvents.planChanged(s, free);
        assertThat(s.planChange.direction).isEqualTo(PlanChangeWindow.UPGRADE);
        assertThat(s.planChange.source).isEqualTo(PlanChangeWindow.PLAN_CHANGE);
        assertThat(s.planChange.oldPlan).isEqualTo("Growth");
        assertThat(s.planChange.changedAt).isEqualTo(D * DAY + HOUR);
        assertThat(s.planChange.changeDay).isEqualTo(D);
        assertThat(s.planChange.daysObservedBefore).isEqualTo(40);

        PlanChangeEpisode open = s.planChange;
        PlanChangeEvents.conversationCreated(s, conversation(EventType.CONVERSATION_CREATED, (D + 3) * DAY, "Bug",
                "Seat downgrade discussion", 0, false, -1));
        assertThat(s.planChange).as("one is open: talk does not replace it").isSameAs(open);

        CustomerEvent cut = new CustomerEvent(EventType.PLAN_CHANGE, "acme", (D + 5) * DAY, "p2");
        cut.planChange = new CustomerEvent.PlanChange();
        cut.planChange.monthlySpendDelta = -0.01;
        open.emitted = true;
        PlanChangeEvents.planChanged(s, cut);
        assertThat(s.planChange.direction).isEqualTo(PlanChangeWindow.DOWNGRADE);
        assertThat(s.planChange.emitted).as("the window it replaces was emitted: its end is due").isTrue();

        CustomerRollingState quiet = new CustomerRollingState();
        quiet.firstEventDay = D;
        PlanChangeEvents.conversationCreated(quiet, conversation(EventType.CONVERSATION_CREATED, D * DAY, "Bug",
                "Export fails", 0, false, -1));
        assertThat(quiet.planChange).as("no mention").isNull();
        PlanChangeEvents.conversationCreated(quiet, conversation(EventType.CONVERSATION_CREATED, D * DAY, null,
                "plan upgrade", 0, false, -1));
        assertThat(quiet.planChange.source).isEqualTo(PlanChangeWindow.CONVERSATION);
        assertThat(quiet.planChange.direction).isEqualTo(PlanChangeWindow.UPGRADE);
        assertThat(quiet.planChange.emitted).isFalse();
        PlanChangeEpisode first = quiet.planChange;
        PlanChangeEvents.conversationCreated(quiet, conversation(EventType.CONVERSATION_CREATED, (D + 30) * DAY, null,
                "downgrade?", 0, false, -1));
        assertThat(quiet.planChange).as("30 days after: still open").isSameAs(first);
        PlanChangeEvents.conversationCreated(quiet, conversation(EventType.CONVERSATION_CREATED, (D + 31) * DAY, null,
                "downgrade?", 0, false, -1));
        assertThat(quiet.planChange.direction).as("closed: a new one opens").isEqualTo(PlanChangeWindow.DOWNGRADE);
    }
}
