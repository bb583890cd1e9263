package io.pulse.backtest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scores one run's timelines against the outcomes in the history.
 *
 * <p>The population is every customer the pipeline classified before the window's end who had not
 * churned before its start. A customer's <em>anchor</em> is its first moment in the window; the
 * base rate is the share of the population that churned or downgraded within the horizon after
 * its anchor (the precision of flagging everyone), so lift = precision / base rate compares like
 * with like. A flag raised before the window and still open at its start counts from the start.
 */
final class Scorer {
    private final BacktestWindow window;
    private final Map<String, List<Outcomes.Outcome>> outcomes;
    private final Team team;

    Scorer(BacktestWindow window, Map<String, List<Outcomes.Outcome>> outcomes, Team team) {
        this.window = window;
        this.outcomes = outcomes;
        this.team = team;
    }

    Scores score(String rules, String version, Map<String, Timeline> timelines, long deadLetters) {
        long start = window.startMs();
        long end = window.endMs();
        Map<String, Timeline> population = new TreeMap<>();
        timelines.forEach((customer, t) -> {
            if (t.firstAt() < end && !churnedBefore(customer, start)) {
                population.put(customer, t);
            }
        });
        int withOutcome = 0;
        int lostInWindow = 0;
        for (Map.Entry<String, Timeline> e : population.entrySet()) {
            long anchor = Math.max(start, e.getValue().firstAt());
            if (negativeWithinHorizon(e.getKey(), anchor) != null) {
                withOutcome++;
            }
            if (firstNegativeInWindow(e.getKey()) != null) {
                lostInWindow++;
            }
        }
        Double baseRate = ratio(withOutcome, population.size());
        double baseRaw = population.isEmpty() ? 0 : withOutcome / (double) population.size();

        SortedMap<Segment.Kind, SortedSet<Segment>> segments = segmentsOf(population.values());
        List<List<Scores.SegmentScore>> byKind = new ArrayList<>();
        for (Segment.Kind kind : Segment.Kind.values()) {
            List<Scores.SegmentScore> scores = new ArrayList<>();
            for (Segment s : segments.get(kind)) {
                scores.add(score(s, population, baseRaw));
            }
            byKind.add(scores);
        }
        int greenThenChurned = byKind.get(Segment.Kind.HEALTH_BAND.ordinal()).stream()
                .filter(s -> s.segment().name().equals("High"))
                .mapToInt(Scores.SegmentScore::churnedWhileInSegment).sum();
        List<Scores.WeekWorkload> workload = workload(population, segments.get(Segment.Kind.ACTION));
        return new Scores(rules, version, window.from().toString(), window.to().toString(), population.size(),
                withOutcome, baseRate, lostInWindow, greenThenChurned, byKind.get(0), byKind.get(1), byKind.get(2),
                byKind.get(3), workload, bands(population), deadLetters,
                new StabilityScorer(window).score(population, workload));
    }

    private Scores.SegmentScore score(Segment segment, Map<String, Timeline> population, double baseRate) {
        long start = window.startMs();
        long end = window.endMs();
        int flagged = 0;
        int hits = 0;
        int lost = 0;
        int caught = 0;
        int churnedInside = 0;
        List<Double> leadDays = new ArrayList<>();
        for (Map.Entry<String, Timeline> e : population.entrySet()) {
            String customer = e.getKey();
            Timeline t = e.getValue();
            List<Timeline.Span> spans = t.spans(segment.holds());
            Long firstFlag = null;
            for (Timeline.Span s : spans) {
                if (s.overlaps(start, end)) {
                    firstFlag = Math.max(start, s.start());
                    break;
                }
            }
            if (firstFlag != null) {
                flagged++;
                Outcomes.Outcome hit = negativeWithinHorizon(customer, firstFlag);
                if (hit != null) {
                    hits++;
                    leadDays.add((hit.at() - firstFlag) / (double) BacktestWindow.DAY_MS);
                }
            }
            Outcomes.Outcome lostAt = firstNegativeInWindow(customer);
            if (lostAt != null) {
                lost++;
                long before = lostAt.at() - window.horizonMs();
                if (spans.stream().anyMatch(s -> s.overlaps(before, lostAt.at()))) {
                    caught++;
                }
            }
            Outcomes.Outcome churn = firstChurnInWindow(customer);
            if (churn != null) {
                Timeline.State at = t.at(churn.at());
                if (at != null && segment.holds().test(at)) {
                    churnedInside++;
                }
            }
        }
        Double precision = ratio(hits, flagged);
        Double lift = flagged == 0 || baseRate == 0 ? null : round(hits / (double) flagged / baseRate);
        return new Scores.SegmentScore(segment, flagged, hits, precision, caught, ratio(caught, lost), lift,
                median(leadDays), churnedInside);
    }

    private List<Scores.WeekWorkload> workload(Map<String, Timeline> population, Collection<Segment> actions) {
        SortedMap<LocalDate, SortedMap<String, Integer>> weeks = new TreeMap<>();
        for (LocalDate w : weekStarts()) {
            SortedMap<String, Integer> perAction = new TreeMap<>();
            actions.forEach(a -> perAction.put(a.name(), 0));
            weeks.put(w, perAction);
        }
        for (Timeline t : population.values()) {
            for (Segment a : actions) {
                for (Timeline.Span s : t.spans(a.holds())) {
                    if (s.start() >= window.startMs() && s.start() < window.endMs()) {
                        weeks.get(weekOf(s.start())).merge(a.name(), 1, Integer::sum);
                    }
                }
            }
        }
        List<Scores.WeekWorkload> out = new ArrayList<>();
        Integer capacity = team == null ? null : team.weeklyCapacity();
        int carried = 0;
        for (Map.Entry<LocalDate, SortedMap<String, Integer>> w : weeks.entrySet()) {
            int total = w.getValue().values().stream().mapToInt(Integer::intValue).sum();
            Double perCsm = team == null ? null : Math.round(total * 10.0 / team.size()) / 10.0;
            Integer leftUndone = null;
            if (capacity != null) {
                carried = Math.max(0, carried + total - capacity); // the backlog rolls into the next week
                leftUndone = carried;
            }
            out.add(new Scores.WeekWorkload(w.getKey().toString(), w.getValue(), total, perCsm, leftUndone));
        }
        return out;
    }

    private List<Scores.WeekBands> bands(Map<String, Timeline> population) {
        List<Scores.WeekBands> out = new ArrayList<>();
        for (LocalDate w : weekStarts()) {
            long at = Math.max(window.startMs(), w.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
            SortedMap<String, Integer> counts = new TreeMap<>();
            for (Timeline t : population.values()) {
                Timeline.State s = t.at(at);
                if (s != null && s.healthBand() != null) {
                    counts.merge(s.healthBand(), 1, Integer::sum);
                }
            }
            out.add(new Scores.WeekBands(w.toString(), counts));
        }
        return out;
    }

    /** Mondays of the weeks the window touches, the first one on or before its start. */
    private List<LocalDate> weekStarts() {
        List<LocalDate> weeks = new ArrayList<>();
        for (LocalDate w = window.from().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
             !w.isAfter(window.to()); w = w.plusWeeks(1)) {
            weeks.add(w);
        }
        return weeks;
    }

    private static LocalDate weekOf(long ms) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** Every action, tier and band that occurs in the timelines. */
    private static SortedMap<Segment.Kind, SortedSet<Segment>> segmentsOf(Collection<Timeline> timelines) {
        SortedMap<Segment.Kind, SortedSet<Segment>> segments = new TreeMap<>();
        for (Segment.Kind kind : Segment.Kind.values()) {
            segments.put(kind, new TreeSet<>());
        }
        for (Timeline t : timelines) {
            for (Timeline.State s : t.states()) {
                s.open().forEach(a -> segments.get(Segment.Kind.ACTION).add(new Segment(Segment.Kind.ACTION, a)));
                for (Segment.Kind kind : List.of(Segment.Kind.VALUE_TIER, Segment.Kind.RISK_TIER,
                        Segment.Kind.HEALTH_BAND)) {
                    String name = Segment.nameOf(kind, s);
                    if (name != null) {
                        segments.get(kind).add(new Segment(kind, name));
                    }
                }
            }
        }
        return segments;
    }

    private boolean churnedBefore(String customer, long time) {
        return outcomes.getOrDefault(customer, List.of()).stream()
                .anyMatch(o -> o.kind().equals(Outcomes.CHURNED) && o.at() < time);
    }

    /** The first churn or downgrade after {@code from}, within the horizon, or null. */
    private Outcomes.Outcome negativeWithinHorizon(String customer, long from) {
        for (Outcomes.Outcome o : outcomes.getOrDefault(customer, List.of())) {
            if (o.negative() && o.at() > from && o.at() <= from + window.horizonMs()) {
                return o;
            }
        }
        return null;
    }

    private Outcomes.Outcome firstNegativeInWindow(String customer) {
        for (Outcomes.Outcome o : outcomes.getOrDefault(customer, List.of())) {
            if (o.negative() && o.at() >= window.startMs() && o.at() < window.endMs()) {
                return o;
            }
        }
        return null;
    }

    private Outcomes.Outcome firstChurnInWindow(String customer) {
        for (Outcomes.Outcome o : outcomes.getOrDefault(customer, List.of())) {
            if (o.kind().equals(Outcomes.CHURNED) && o.at() >= window.startMs() && o.at() < window.endMs()) {
                return o;
            }
        }
        return null;
    }

    private static Double ratio(int part, int whole) {
        return whole == 0 ? null : round(part / (double) whole);
    }

    static Double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** The median rounded to 1 decimal, or null for none. */
    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return Math.round(m * 10) / 10.0;
    }
}
