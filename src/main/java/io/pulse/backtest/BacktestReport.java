package io.pulse.backtest;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code report.html}: one self-contained page (charts are inline SVG drawn by JFreeChart, no
 * script, no stylesheet or font from the network), so it opens offline and can be mailed.
 */
final class BacktestReport {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 380;
    private static final int MAX_DIFF_ROWS = 200;

    private BacktestReport() {}

    static void write(Path file, Backtest.Result r, Team team) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Scores a = r.champion();
        Scores b = r.challenger();
        StringBuilder h = new StringBuilder(64 * 1024);
        head(h, r);
        summary(h, r, a, b);
        actionsSection(h, a, b);
        StabilityTables.append(h, a, b);
        workloadSection(h, a, b, team);
        h.append("<h2>Health bands over time</h2>\n");
        h.append(svg(bands(a)));
        if (b != null) {
            comparisonSection(h, r, a, b);
        }
        howToRead(h);
        h.append("</body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void head(StringBuilder h, Backtest.Result r) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pulse backtest ")
                .append(r.window().from()).append(" .. ").append(r.window().to()).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1000px;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th:first-child,td:first-child{text-align:left}")
                .append("figure{margin:1em 0}.note{background:#fff4e0;border-left:4px solid #e0a030;padding:.5em 1em}")
                .append("</style></head><body>\n");
    }

    /** The window, the rule sets, the events replayed, any field gaps and the population. */
    private static void summary(StringBuilder h, Backtest.Result r, Scores a, Scores b) {
        h.append("<h1>Pulse backtest</h1>\n<p>Window ").append(r.window().from()).append(" to ").append(r.window().to())
                .append(", horizon ").append(r.window().horizon().toDays()).append(" days. Champion <b>")
                .append(esc(a.rules())).append("</b> (version ").append(a.rulesetVersion()).append(")");
        if (b != null) {
            h.append(", challenger <b>").append(esc(b.rules())).append("</b> (version ").append(b.rulesetVersion())
                    .append(")");
        }
        h.append(". ").append(String.format(Locale.ROOT, "%,d", r.eventsRead()))
                .append(" events replayed per rule set (the history up to the window's end).</p>\n");
        gaps(h, r);
        h.append("<p>Population: ").append(a.customers()).append(" customers classified in the window, ")
                .append(a.negativeOutcomesInWindow()).append(" of them churned or downgraded in it; base rate ")
                .append(pct(a.baseRate())).append(" (share that churned or downgraded within the horizon). ")
                .append("Green-then-churned misses (High health band when they churned): <b>")
                .append(a.greenThenChurned()).append("</b>")
                .append(b == null ? "" : " (challenger: " + b.greenThenChurned() + ")").append(".</p>\n");
    }

    private static void actionsSection(StringBuilder h, Scores a, Scores b) {
        h.append("<h2>Lift and precision/recall per action</h2>\n");
        h.append(svg(bars("Lift over the base rate, per action", "lift", a, b, Scores.SegmentScore::lift)));
        h.append(svg(precisionRecall(a, b)));
        segmentTable(h, "Per action", "action", a.actions(), b == null ? null : b.actions());
        segmentTable(h, "Per value tier", "value tier", a.valueTiers(), b == null ? null : b.valueTiers());
        segmentTable(h, "Per risk tier", "risk tier", a.riskTiers(), b == null ? null : b.riskTiers());
        segmentTable(h, "Per health band", "health band", a.healthBands(), b == null ? null : b.healthBands());
    }

    private static void workloadSection(StringBuilder h, Scores a, Scores b, Team team) {
        h.append("<h2>Weekly workload</h2>\n<p>New actions raised per week (what the CS team would have had to work)")
                .append(team == null ? "" : ", and per CSM for a team of " + team.size()).append(".</p>\n");
        if (team != null && team.weeklyCapacity() != null) {
            h.append("<p>With the team's capacity of ").append(team.weeklyCapacity())
                    .append(" actions a week (what a week cannot take on is carried to the next): ")
                    .append(undone(a, Backtest.CHAMPION));
            if (b != null) {
                h.append("; ").append(undone(b, Backtest.CHALLENGER));
            }
            h.append(".</p>\n");
        }
        h.append(svg(workload("New actions per week: " + esc(a.rules()), a)));
        if (b != null) {
            h.append(svg(workload("New actions per week: " + esc(b.rules()), b)));
        }
        workloadTable(h, a, b);
    }

    /** Flags per action side by side, and the customers whose recommendations differ. */
    private static void comparisonSection(StringBuilder h, Backtest.Result r, Scores a, Scores b) {
        h.append("<h2>Champion vs challenger</h2>\n");
        h.append(svg(bars("Customers flagged per action", "customers", a, b,
                s -> (double) s.flagged())));
        h.append("<p><b>").append(r.diff().customersChanged()).append("</b> customers change");
        r.diff().customersByField().forEach((f, n) -> h.append("; ").append(esc(f)).append(": ").append(n));
        h.append(". All rows in <code>diff.csv</code>");
        if (r.diff().rows().size() > MAX_DIFF_ROWS) {
            h.append("; the first ").append(MAX_DIFF_ROWS).append(" here");
        }
        h.append(".</p>\n<table><tr><th>customer</th><th>what</th><th>champion</th><th>challenger</th>")
                .append("<th>rules only in champion</th><th>rules only in challenger</th></tr>\n");
        r.diff().rows().stream().limit(MAX_DIFF_ROWS).forEach(d -> h.append("<tr><td>").append(esc(d.customerId()))
                .append("</td><td>").append(esc(d.field())).append("</td><td>").append(esc(d.champion()))
                .append("</td><td>").append(esc(d.challenger())).append("</td><td>")
                .append(esc(d.onlyChampionRules())).append("</td><td>").append(esc(d.onlyChallengerRules()))
                .append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static void howToRead(StringBuilder h) {
        h.append("<h2>How to read this</h2>\n<ul>")
                .append("<li><b>flagged</b>: customers with the action open (or in the tier, band) at some time in")
                .append(" the window; a flag open at the window's start counts from the start.</li>")
                .append("<li><b>precision</b>: share of them that churned or downgraded within the horizon after")
                .append(" their first flag. <b>lift</b>: precision over the base rate.</li>")
                .append("<li><b>recall</b>: share of the customers who churned or downgraded in the window that")
                .append(" had the action open within the horizon before.</li>")
                .append("<li><b>lead time</b>: median days from the first flag to that outcome.</li>")
                .append("<li><b>stability</b>: openings per customer per year, customers opened three times or")
                .append(" more, median days open and flip-flops; defined in the stability section.</li>")
                .append("<li>Rules see only events before the moment they are evaluated (event time); outcomes")
                .append(" are read from the history for scoring and never reach the rules.</li></ul>\n");
    }

    private static void gaps(StringBuilder h, Backtest.Result r) {
        List<FieldCoverage.Gap> all = new java.util.ArrayList<>(r.championGaps());
        if (r.challengerGaps() != null) {
            all.addAll(r.challengerGaps());
        }
        if (all.isEmpty()) {
            return;
        }
        h.append("<div class=\"note\"><p><b>Scored on part of the window only.</b> Rules read fields that part of")
                .append(" the history lacks:</p><ul>");
        for (FieldCoverage.Gap g : r.championGaps()) {
            h.append("<li>champion: ").append(esc(g.describe())).append("</li>");
        }
        if (r.challengerGaps() != null) {
            for (FieldCoverage.Gap g : r.challengerGaps()) {
                h.append("<li>challenger: ").append(esc(g.describe())).append("</li>");
            }
        }
        h.append("</ul><p>Both rule sets are scored from ").append(r.evaluated().from()).append(" to ")
                .append(r.evaluated().to()).append(", where every field they read is present.</p></div>\n");
    }

    private static void segmentTable(StringBuilder h, String title, String what, List<Scores.SegmentScore> a,
                                     List<Scores.SegmentScore> b) {
        h.append("<h3>").append(title).append("</h3>\n<table><tr><th>").append(what)
                .append("</th><th>rules</th><th>flagged</th><th>churned/downgraded</th><th>precision</th>")
                .append("<th>recall</th><th>lift</th><th>median lead time (days)</th><th>churned while in it</th></tr>\n");
        for (Scores.SegmentScore s : a) {
            row(h, s, Backtest.CHAMPION);
            if (b != null) {
                b.stream().filter(x -> x.segment().equals(s.segment())).findFirst()
                        .ifPresent(x -> row(h, x, Backtest.CHALLENGER));
            }
        }
        if (b != null) {
            b.stream().filter(x -> a.stream().noneMatch(y -> y.segment().equals(x.segment())))
                    .forEach(x -> row(h, x, Backtest.CHALLENGER));
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, Scores.SegmentScore s, String role) {
        h.append("<tr><td>").append(esc(s.segment().name())).append("</td><td>").append(role).append("</td><td>")
                .append(s.flagged()).append("</td><td>").append(s.flaggedThenLost()).append("</td><td>")
                .append(pct(s.precision())).append("</td><td>").append(pct(s.recall())).append("</td><td>")
                .append(num(s.lift())).append("</td><td>").append(num(s.leadTimeDays())).append("</td><td>")
                .append(s.churnedWhileInSegment()).append("</td></tr>\n");
    }

    /** The backlog left at the window's end and its peak week, in words. */
    private static String undone(Scores s, String role) {
        Scores.WeekWorkload peak = null;
        for (Scores.WeekWorkload w : s.weeklyWorkload()) {
            if (peak == null || w.leftUndone() > peak.leftUndone()) {
                peak = w;
            }
        }
        List<Scores.WeekWorkload> weeks = s.weeklyWorkload();
        if (peak == null || peak.leftUndone() == 0) {
            return "the " + role + "'s work all fits";
        }
        return "the " + role + " leaves <b>" + weeks.get(weeks.size() - 1).leftUndone() + "</b> undone at the end"
                + " (at most " + peak.leftUndone() + ", the week of " + peak.week() + ")";
    }

    private static void workloadTable(StringBuilder h, Scores a, Scores b) {
        boolean undone = !a.weeklyWorkload().isEmpty() && a.weeklyWorkload().get(0).leftUndone() != null;
        String columns = "<th>per CSM</th>" + (undone ? "<th>left undone</th>" : "");
        h.append("<table><tr><th>week</th><th>new actions (champion)</th>").append(columns);
        if (b != null) {
            h.append("<th>new actions (challenger)</th>").append(columns);
        }
        h.append("</tr>\n");
        for (int i = 0; i < a.weeklyWorkload().size(); i++) {
            Scores.WeekWorkload w = a.weeklyWorkload().get(i);
            h.append("<tr><td>").append(w.week()).append("</td>");
            workloadCells(h, w, undone);
            if (b != null) {
                workloadCells(h, b.weeklyWorkload().get(i), undone);
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void workloadCells(StringBuilder h, Scores.WeekWorkload w, boolean undone) {
        h.append("<td>").append(w.total()).append("</td><td>").append(num(w.perCsm())).append("</td>");
        if (undone) {
            h.append("<td>").append(w.leftUndone()).append("</td>");
        }
    }

    private static JFreeChart bars(String title, String axis, Scores a, Scores b,
                                   Function<Scores.SegmentScore, Double> value) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Scores s : b == null ? List.of(a) : List.of(a, b)) {
            String series = s == a ? Backtest.CHAMPION : Backtest.CHALLENGER;
            for (Scores.SegmentScore x : s.actions()) {
                data.addValue(value.apply(x), series, x.segment().name());
            }
        }
        return styled(ChartFactory.createBarChart(title, "action", axis, data));
    }

    private static JFreeChart precisionRecall(Scores a, Scores b) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Scores s : b == null ? List.of(a) : List.of(a, b)) {
            String role = s == a ? Backtest.CHAMPION : Backtest.CHALLENGER;
            for (Scores.SegmentScore x : s.actions()) {
                data.addValue(x.precision(), "precision (" + role + ")", x.segment().name());
                data.addValue(x.recall(), "recall (" + role + ")", x.segment().name());
            }
        }
        return styled(ChartFactory.createBarChart("Precision and recall, per action", "action", "share", data));
    }

    private static JFreeChart workload(String title, Scores s) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Scores.WeekWorkload w : s.weeklyWorkload()) {
            w.newActions().forEach((action, n) -> data.addValue(n, action, w.week()));
        }
        return styled(ChartFactory.createStackedBarChart(title, "week", "new actions", data));
    }

    private static JFreeChart bands(Scores s) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Scores.WeekBands w : s.bandDistribution()) {
            w.customers().forEach((band, n) -> data.addValue(n, band, w.week()));
        }
        return styled(ChartFactory.createStackedAreaChart("Customers per health band, week by week: "
                + s.rules(), "week (Monday)", "customers", data));
    }

    private static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(new Color(0xF7F7F7));
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        return chart;
    }

    private static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return "<figure class=\"chart\">" + g.getSVGElement() + "</figure>\n";
    }

    private static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
