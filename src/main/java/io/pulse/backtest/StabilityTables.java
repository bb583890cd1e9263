package io.pulse.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The report's "Recommendation stability" section: per action (next to its precision, recall and
 * lift) and per family, the champion's row, and with a challenger its row and the difference
 * (challenger minus champion; shares in percentage points).
 */
final class StabilityTables {
    /** How a column is shown: a share as a percentage, a figure with 2 decimals, days with 1, or a count. */
    private enum Format { PCT, NUM, DAYS, COUNT }

    /** One column: its heading, its value in a row and how it is shown. */
    private record Column<T>(String heading, Function<T, Double> value, Format format) {}

    private static final List<Column<Scores.SegmentScore>> QUALITY = List.of(
            new Column<>("precision", Scores.SegmentScore::precision, Format.PCT),
            new Column<>("recall", Scores.SegmentScore::recall, Format.PCT),
            new Column<>("lift", Scores.SegmentScore::lift, Format.NUM));

    private static final List<Column<Scores.StabilityScore>> STABILITY = List.of(
            new Column<>("openings / customer / year", Scores.StabilityScore::openingsPerCustomerYear, Format.NUM),
            new Column<>("most openings, one customer", s -> (double) s.maxOpeningsPerCustomer(), Format.COUNT),
            new Column<>("customers opened 3+ times", Scores.StabilityScore::shareOpenedThreeTimes, Format.PCT),
            new Column<>("median days open", Scores.StabilityScore::medianDaysOpen, Format.DAYS),
            new Column<>("still open at the end", s -> (double) s.stillOpenAtEnd(), Format.COUNT),
            new Column<>("flip-flops", s -> (double) s.flipFlops(), Format.COUNT),
            new Column<>("customers with flip-flops", s -> (double) s.customersWithFlipFlops(), Format.COUNT));

    private StabilityTables() {}

    /** Appends the section for the champion {@code a} and the challenger {@code b} (null without one). */
    static void append(StringBuilder h, Scores a, Scores b) {
        h.append("<h2 id=\"stability\">Recommendation stability</h2>\n<p>How often actions open and close again:")
                .append(" an <b>opening</b> is an action becoming open for a customer (from not open) in the window;")
                .append(" openings per customer per year divide by the population and the window's length in years")
                .append(" (365 days). <b>Days open</b> run from an opening to its retirement; one still open at the")
                .append(" window's end counts until the end. A <b>flip-flop</b> is a return to an action within ")
                .append(StabilityScorer.FLIP_FLOP_MS / BacktestWindow.DAY_MS).append(" days of leaving it (per")
                .append(" family: the customer's actions of the family go A &rarr; B &rarr; A).</p>\n<p>");
        weekly(h, Backtest.CHAMPION, a);
        if (b != null) {
            h.append("; ");
            weekly(h, Backtest.CHALLENGER, b);
        }
        h.append(".</p>\n");
        actions(h, a, b);
        families(h, a, b);
    }

    private static void weekly(StringBuilder h, String role, Scores s) {
        Scores.WeeklyNewActions w = s.stability().weeklyNewActions();
        h.append("New actions per week (").append(role).append(", ").append(w.weeks())
                .append(" full weeks): median <b>").append(format(w.median(), Format.DAYS, false)).append("</b>, max <b>")
                .append(w.max()).append("</b>");
    }

    private static void actions(StringBuilder h, Scores a, Scores b) {
        h.append("<h3>Per action</h3>\n<table class=\"stability\"><tr><th>action</th><th>rules</th>");
        QUALITY.forEach(c -> h.append("<th>").append(c.heading()).append("</th>"));
        STABILITY.forEach(c -> h.append("<th>").append(c.heading()).append("</th>"));
        h.append("</tr>\n");
        for (String action : names(a.stability().actions(), b == null ? null : b.stability().actions())) {
            Scores.SegmentScore qa = segment(a, action);
            Scores.StabilityScore sa = a.stability().action(action);
            row(h, action, Backtest.CHAMPION, cells(QUALITY, qa), cells(STABILITY, sa));
            if (b != null) {
                Scores.SegmentScore qb = segment(b, action);
                Scores.StabilityScore sb = b.stability().action(action);
                row(h, action, Backtest.CHALLENGER, cells(QUALITY, qb), cells(STABILITY, sb));
                row(h, action, "difference", differences(QUALITY, qa, qb), differences(STABILITY, sa, sb));
            }
        }
        h.append("</table>\n");
    }

    private static void families(StringBuilder h, Scores a, Scores b) {
        h.append("<h3>Per family</h3>\n<table class=\"stability\"><tr><th>family</th><th>rules</th>");
        STABILITY.forEach(c -> h.append("<th>").append(c.heading()).append("</th>"));
        h.append("</tr>\n");
        for (String family : names(a.stability().families(), b == null ? null : b.stability().families())) {
            Scores.StabilityScore sa = a.stability().family(family);
            row(h, family, Backtest.CHAMPION, List.of(), cells(STABILITY, sa));
            if (b != null) {
                Scores.StabilityScore sb = b.stability().family(family);
                row(h, family, Backtest.CHALLENGER, List.of(), cells(STABILITY, sb));
                row(h, family, "difference", List.of(), differences(STABILITY, sa, sb));
            }
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String name, String role, List<String> quality, List<String> stability) {
        h.append("<tr class=\"").append(role).append("\"><td>").append(BacktestReport.esc(name)).append("</td><td>")
                .append(role).append("</td>");
        quality.forEach(c -> h.append("<td>").append(c).append("</td>"));
        stability.forEach(c -> h.append("<td>").append(c).append("</td>"));
        h.append("</tr>\n");
    }

    /** Each column's value in {@code row}, or a dash for each when there is no row. */
    private static <T> List<String> cells(List<Column<T>> columns, T row) {
        List<String> out = new ArrayList<>();
        for (Column<T> c : columns) {
            out.add(format(row == null ? null : c.value().apply(row), c.format(), false));
        }
        return out;
    }

    /** Challenger minus champion per column; a missing row counts as no figure (a dash). */
    private static <T> List<String> differences(List<Column<T>> columns, T champion, T challenger) {
        List<String> out = new ArrayList<>();
        for (Column<T> c : columns) {
            Double x = champion == null ? null : c.value().apply(champion);
            Double y = challenger == null ? null : c.value().apply(challenger);
            out.add(format(x == null || y == null ? null : y - x, c.format(), true));
        }
        return out;
    }

    private static String format(Double v, Format f, boolean signed) {
        if (v == null) {
            return "–";
        }
        String sign = signed ? "+" : "";
        return switch (f) {
            case PCT -> String.format(Locale.ROOT, "%" + sign + ".1f%s", v * 100, signed ? " pp" : "%");
            case NUM -> String.format(Locale.ROOT, "%" + sign + ".2f", v);
            case DAYS -> String.format(Locale.ROOT, "%" + sign + ".1f", v);
            case COUNT -> String.format(Locale.ROOT, "%" + sign + "d", Math.round(v));
        };
    }

    private static SortedSet<String> names(List<Scores.StabilityScore> a, List<Scores.StabilityScore> b) {
        SortedSet<String> names = new TreeSet<>();
        a.forEach(s -> names.add(s.name()));
        if (b != null) {
            b.forEach(s -> names.add(s.name()));
        }
        return names;
    }

    private static Scores.SegmentScore segment(Scores s, String action) {
        return s.actions().stream().filter(x -> x.segment().name().equals(action)).findFirst().orElse(null);
    }
}
