package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.rules.facts.PlanChangeWindow;

/**
 * Opens the customer's plan-change episode ({@link PlanChangeEpisode}): on a real subscription
 * change, or on a conversation that talks about one while none is open.
 */
final class PlanChangeEvents {
    private PlanChangeEvents() {}

    /** A real subscription change always opens a window: it wins over talk about one. */
    static void planChanged(CustomerRollingState s, CustomerEvent e) {
        PlanChangeEpisode episode = new PlanChangeEpisode();
        episode.direction = e.planChange.monthlySpendDelta >= 0 ? PlanChangeWindow.UPGRADE : PlanChangeWindow.DOWNGRADE;
        episode.source = PlanChangeWindow.PLAN_CHANGE;
        episode.oldPlan = e.planChange.oldPlan;
        episode.newPlan = e.planChange.newPlan;
        open(s, episode, e.eventTime);
    }

    /** A conversation that mentions an upgrade or downgrade opens a window unless one is open today. */
    static void conversationCreated(CustomerRollingState s, CustomerEvent e) {
        String mention = ConversationTags.planChangeMention(e.conversation.tags, e.conversation.subject);
        long today = SupportWindows.dayOf(e.eventTime);
        if (mention != null && (s.planChange == null || !s.planChange.openOn(today))) {
            PlanChangeEpisode episode = new PlanChangeEpisode();
            episode.direction = mention;
            episode.source = PlanChangeWindow.CONVERSATION;
            open(s, episode, e.eventTime);
        }
    }

    private static void open(CustomerRollingState s, PlanChangeEpisode episode, long time) {
        episode.changedAt = time;
        episode.changeDay = SupportWindows.dayOf(time);
        episode.daysObservedBefore = (int) (episode.changeDay - s.firstEventDay);
        SupportWindows.measureBeforeChange(episode, s.days);
        // The window this one replaces ends now; its end was already due for evaluation.
        episode.emitted = s.planChange != null && s.planChange.emitted;
        s.planChange = episode;
    }
}
