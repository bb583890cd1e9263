package io.pulse.backtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How steady one run's recommendations are over the window [start, end), per action and per
 * family (the recommendations' {@code family}: VALUE_RISK, HEALTH, ALERT, OPPORTUNITY, TOUCHPOINT).
 *
 * <ul>
 * <li>An <em>opening</em> of an action: a time in the window at which it becomes open for a
 * customer, having not been open just before (an action open at the window's start is not opened
 * in it). A family's openings are those of its actions.</li>
 * <li><em>Openings per customer per year</em>: openings / population / (window days / 365).</li>
 * <li><em>Days open</em> of an opening: until the pipeline retires it (SUPERSEDED); still open at
 * the window's end, it counts until the end (censored), so the median is a lower bound.</li>
 * <li>A <em>flip-flop</em> of an action: it re-opens in the window at most 60 days after it was
 * retired. Of a family: a customer's set of open actions of the family goes A -> B -> A, A not
 * empty, and the return to A comes in the window at most 60 days after A was left.</li>
 * </ul>
 */
final class StabilityScorer {
    /** How soon a return to an action left counts as a flip-flop (inclusive). */
    static final long FLIP_FLOP_MS = 60 * BacktestWindow.DAY_MS;
    private static final double DAYS_PER_YEAR = 365;

    private final BacktestWindow window;

    StabilityScorer(BacktestWindow window) {
        this.window = window;
    }

    /** The population's stability figures, and the median and max of {@code weeks} wholly inside the window. */
    Scores.StabilityScores score(Map<String, Timeline> population, List<Scores.WeekWorkload> weeks) {
        SortedMap<String, Tally> actions = new TreeMap<>();
        SortedMap<String, Tally> families = new TreeMap<>();
        for (Timeline t : population.values()) {
            Map<String, Counts> perFamily = new TreeMap<>();
            for (String action : actionsOf(t)) {
                Counts c = countAction(t, action);
                actions.computeIfAbsent(action, Tally::new).add(c);
                String family = t.familyOf(action);
                if (family != null) {
                    perFamily.computeIfAbsent(family, f -> new Counts()).addOpenings(c);
                }
            }
            perFamily.forEach((family, c) -> {
                c.flipFlops = familyFlipFlops(t, family);
                families.computeIfAbsent(family, Tally::new).add(c);
            });
        }
        double years = (window.endMs() - window.startMs()) / (double) BacktestWindow.DAY_MS / DAYS_PER_YEAR;
        int customers = population.size();
        return new Scores.StabilityScores(Scorer.round(years),
                actions.values().stream().map(x -> x.score(customers, years)).toList(),
                families.values().stream().map(x -> x.score(customers, years)).toList(),
                weekly(weeks));
    }

    /** One customer's openings, days open and flip-flops of one action in the window. */
    private Counts countAction(Timeline t, String action) {
        long start = window.startMs();
        long end = window.endMs();
        Counts c = new Counts();
        long lastEnd = Long.MIN_VALUE;
        for (Timeline.Span s : t.spans(state -> state.open().contains(action))) {
            if (s.start() >= start && s.start() < end) {
                c.openings++;
                c.daysOpen.add((Math.min(s.end(), end) - s.start()) / (double) BacktestWindow.DAY_MS);
                if (s.end() >= end) {
                    c.stillOpen++;
                }
                if (lastEnd != Long.MIN_VALUE && s.start() - lastEnd <= FLIP_FLOP_MS) {
                    c.flipFlops++;
                }
            }
            lastEnd = s.end();
        }
        return c;
    }

    /** Returns A -> B -> A of the customer's open actions of {@code family}, A not empty, within 60 days. */
    private int familyFlipFlops(Timeline t, String family) {
        List<Timeline.Run<Set<String>>> runs = t.runs(state -> {
            Set<String> open = new TreeSet<>();
            state.open().stream().filter(a -> family.equals(t.familyOf(a))).forEach(open::add);
            return open;
        });
        int flipFlops = 0;
        for (int i = 2; i < runs.size(); i++) {
            Timeline.Run<Set<String>> back = runs.get(i);
            Timeline.Run<Set<String>> away = runs.get(i - 1);
            boolean inWindow = back.start() >= window.startMs() && back.start() < window.endMs();
            if (inWindow && !back.key().isEmpty() && back.key().equals(runs.get(i - 2).key())
                    && back.start() - away.start() <= FLIP_FLOP_MS) {
                flipFlops++;
            }
        }
        return flipFlops;
    }

    /** Median and max new actions of the weeks wholly inside the window (all its weeks if none is). */
    private Scores.WeeklyNewActions weekly(List<Scores.WeekWorkload> weeks) {
        List<Scores.WeekWorkload> full = weeks.stream().filter(w -> {
            LocalDate monday = LocalDate.parse(w.week());
            return !monday.isBefore(window.from()) && !monday.plusDays(6).isAfter(window.to());
        }).toList();
        List<Scores.WeekWorkload> counted = full.isEmpty() ? weeks : full;
        List<Double> totals = counted.stream().map(w -> (double) w.total()).toList();
        int max = counted.stream().mapToInt(Scores.WeekWorkload::total).max().orElse(0);
        return new Scores.WeeklyNewActions(Scorer.median(totals), max, counted.size());
    }

    private static Set<String> actionsOf(Timeline t) {
        Set<String> actions = new TreeSet<>();
        t.states().forEach(s -> actions.addAll(s.open()));
        return actions;
    }

    /** One customer's figures for one action or family. */
    private static final class Counts {
        int openings;
        final List<Double> daysOpen = new ArrayList<>();
        int stillOpen;
        int flipFlops;

        /** Adds an action's openings to its family's (flip-flops are the family's own). */
        void addOpenings(Counts action) {
            openings += action.openings;
            daysOpen.addAll(action.daysOpen);
            stillOpen += action.stillOpen;
        }
    }

    /** The population's figures for one action or family, one customer at a time. */
    private static final class Tally {
        final String name;
        int openings;
        int customersOpened;
        int maxOpenings;
        int openedThreeTimes;
        final List<Double> daysOpen = new ArrayList<>();
        int stillOpen;
        int flipFlops;
        int customersWithFlipFlops;

        Tally(String name) {
            this.name = name;
        }

        void add(Counts c) {
            openings += c.openings;
            customersOpened += c.openings > 0 ? 1 : 0;
            maxOpenings = Math.max(maxOpenings, c.openings);
            openedThreeTimes += c.openings >= 3 ? 1 : 0;
            daysOpen.addAll(c.daysOpen);
            stillOpen += c.stillOpen;
            flipFlops += c.flipFlops;
            customersWithFlipFlops += c.flipFlops > 0 ? 1 : 0;
        }

        Scores.StabilityScore score(int customers, double years) {
            Double perYear = customers == 0 || years <= 0 ? null : Scorer.round(openings / (double) customers / years);
            Double share = customers == 0 ? null : Scorer.round(openedThreeTimes / (double) customers);
            return new Scores.StabilityScore(name, openings, perYear, customersOpened, maxOpenings, openedThreeTimes,
                    share, Scorer.median(daysOpen), stillOpen, flipFlops, customersWithFlipFlops);
        }
    }
}
