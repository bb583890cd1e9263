package io.pulse.features;

import io.pulse.events.CustomerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeSet;

/**
 * Rebuilds a customer's state as an in-order run would have it: from the state before its logged
 * periods (the base), every period step in time order, those with events and those its timers
 * call for (window ends, bucket evictions), with {@link PeriodStep}, the code the operator runs.
 */
final class CorrectionReplay {
    private CorrectionReplay() {}

    /**
     * Advances {@code base} (which holds every step up to {@code through}) through the steps up to
     * and including {@code until}; returns it.
     *
     * @param logged the events of each logged period, by period end
     */
    static CustomerRollingState replay(PeriodStep step, String customerId, CustomerRollingState base, long through,
                                       NavigableMap<Long, List<CustomerEvent>> logged, long until) {
        TreeSet<Long> due = new TreeSet<>(logged.subMap(through, false, until, true).keySet());
        long[] now = {through};
        PeriodStep.Timers timers = t -> {
            if (t > now[0] && t <= until) {
                due.add(t);
            }
        };
        step.timersOf(base, timers);
        for (Long next = due.higher(now[0]); next != null; next = due.higher(now[0])) {
            now[0] = next;
            List<CustomerEvent> events = logged.get(next);
            step.advance(customerId, base, next, events == null ? null : new ArrayList<>(events), false, timers);
        }
        return base;
    }
}
