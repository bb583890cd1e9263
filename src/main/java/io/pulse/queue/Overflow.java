package io.pulse.queue;

import java.util.List;

/**
 * What exceeds the team's capacity this week: the team's remaining capacity, how many actions
 * are open, and the open actions beyond that capacity in queue order (priority, then revenue at
 * risk): the work that will be left undone unless a lead moves capacity or drops work.
 */
public record Overflow(int remainingCapacity, int open, List<QueuedAction> actions) {}
