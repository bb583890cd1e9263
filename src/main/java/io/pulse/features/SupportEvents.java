package io.pulse.features;

import io.pulse.events.CustomerEvent;

import java.util.NavigableMap;

/** Conversations and product usage counted into the customer's UTC-day buckets ({@link DayActivity}). */
final class SupportEvents {
    private SupportEvents() {}

    static void conversationCreated(NavigableMap<Long, DayActivity> days, CustomerEvent e, ConversationTags tags) {
        DayActivity day = bucket(days, e.eventTime);
        day.conversations++;
        day.bugOrOutage += tags.isBugOrOutage() ? 1 : 0;
        day.escalation += tags.hasEscalationLanguage() ? 1 : 0;
        day.upgradeDrivers += tags.hasUpgradeDriver() ? 1 : 0;
        day.botFirst += e.conversation.botFirstResponse ? 1 : 0;
        day.conversationTimes.add(e.eventTime);
        if (e.conversation.firstResponseMinutes >= 0) {
            day.firstResponseMinutes.add(e.conversation.firstResponseMinutes);
        }
    }

    static void conversationClosed(NavigableMap<Long, DayActivity> days, CustomerEvent e) {
        DayActivity day = bucket(days, e.eventTime);
        if (e.conversation.rating > 0) {
            day.ratingSum += e.conversation.rating;
            day.rated++;
        }
        day.lastCloseAt = Math.max(day.lastCloseAt, e.eventTime);
    }

    static void productUsed(NavigableMap<Long, DayActivity> days, CustomerEvent e) {
        DayActivity day = bucket(days, e.eventTime);
        day.usage++;
        day.firstUsageAt = day.firstUsageAt == 0 ? e.eventTime : Math.min(day.firstUsageAt, e.eventTime);
        day.lastUsageAt = Math.max(day.lastUsageAt, e.eventTime);
    }

    private static DayActivity bucket(NavigableMap<Long, DayActivity> days, long time) {
        return days.computeIfAbsent(SupportWindows.dayOf(time), d -> new DayActivity());
    }
}
