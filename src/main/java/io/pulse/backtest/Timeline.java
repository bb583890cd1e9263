package io.pulse.backtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One customer's classification over event time, rebuilt from the recommendation log: after each
 * evaluation, the actions open and the value tier, risk tier and health band. Between two
 * evaluations nothing changes (the pipeline emits only changes).
 */
final class Timeline {
    /** What the pipeline said about the customer from one evaluation to the next. */
    record State(Set<String> open, String valueTier, String riskTier, String healthBand) {}

    /** A time span [start, end); {@code end} is {@link Long#MAX_VALUE} while still true at the end of the log. */
    record Span(long start, long end) {
        boolean overlaps(long from, long to) {
            return start < to && end > from;
        }
    }

    /** A stretch of consecutive states with one key, [start, end); {@code end} as in {@link Span}. */
    record Run<K>(K key, long start, long end) {}

    private final long[] times;
    private final State[] states;
    /** Action -> its family (VALUE_RISK, HEALTH, ...), as logged. */
    private final Map<String, String> families;

    private Timeline(long[] times, State[] states, Map<String, String> families) {
        this.times = times;
        this.states = states;
        this.families = families;
    }

    private static final Comparator<RecommendationLog.Change> ORDER =
            Comparator.comparingLong(RecommendationLog.Change::validAsOf).thenComparing(RecommendationLog.Change::action);

    /** Customer id -> timeline, from every logged change of one run. */
    static Map<String, Timeline> of(List<RecommendationLog.Change> changes) {
        Map<String, List<RecommendationLog.Change>> byCustomer = new TreeMap<>();
        for (RecommendationLog.Change c : changes) {
            byCustomer.computeIfAbsent(c.customerId(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Timeline> timelines = new TreeMap<>();
        byCustomer.forEach((customer, list) -> timelines.put(customer, build(list)));
        return timelines;
    }

    private static Timeline build(List<RecommendationLog.Change> changes) {
        changes.sort(ORDER);
        List<Long> times = new ArrayList<>();
        List<State> states = new ArrayList<>();
        Set<String> open = new TreeSet<>();
        String valueTier = null;
        String riskTier = null;
        String band = null;
        Map<String, String> families = new TreeMap<>();
        for (int i = 0; i < changes.size(); ) {
            long at = changes.get(i).validAsOf();
            // Every change of one evaluation carries the same time: apply them all, then record the state.
            for (; i < changes.size() && changes.get(i).validAsOf() == at; i++) {
                RecommendationLog.Change c = changes.get(i);
                if (c.family() != null) {
                    families.putIfAbsent(c.action(), c.family());
                }
                if (c.open()) {
                    open.add(c.action());
                    valueTier = c.valueTier();
                    riskTier = c.riskTier();
                    band = c.healthBand();
                } else {
                    open.remove(c.action());
                }
            }
            times.add(at);
            states.add(new State(Set.copyOf(open), valueTier, riskTier, band));
        }
        return new Timeline(times.stream().mapToLong(Long::longValue).toArray(), states.toArray(State[]::new),
                Map.copyOf(families));
    }

    /** The states in time order. */
    List<State> states() {
        return List.of(states);
    }

    /** When the pipeline first said something about the customer. */
    long firstAt() {
        return times[0];
    }

    /** The state in effect at {@code t}, or null before the first evaluation. */
    State at(long t) {
        int lo = 0;
        int hi = times.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : states[found];
    }

    /** The family of an action the log holds for this customer, or null if none was logged. */
    String familyOf(String action) {
        return families.get(action);
    }

    /** The states cut into runs of equal {@code key} (never null), in time order; neighbouring runs differ. */
    <K> List<Run<K>> runs(Function<State, K> key) {
        List<Run<K>> runs = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= times.length; i++) {
            if (i == times.length || !key.apply(states[i]).equals(key.apply(states[from]))) {
                runs.add(new Run<>(key.apply(states[from]), times[from], i == times.length ? Long.MAX_VALUE : times[i]));
                from = i;
            }
        }
        return runs;
    }

    /** The spans in which the predicate holds, in time order. */
    List<Span> spans(Predicate<State> holds) {
        List<Span> spans = new ArrayList<>();
        long start = -1;
        boolean inside = false;
        for (int i = 0; i < times.length; i++) {
            boolean h = holds.test(states[i]);
            if (h && !inside) {
                start = times[i];
                inside = true;
            } else if (!h && inside) {
                spans.add(new Span(start, times[i]));
                inside = false;
            }
        }
        if (inside) {
            spans.add(new Span(start, Long.MAX_VALUE));
        }
        return spans;
    }
}
