package io.pulse.queue;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The health score of a customer's story as an SVG chart (JFreeChart): the score as steps (each
 * point holds until the next), the health bands shaded under their thresholds, a dot where the band
 * or a tier changed, and a dashed line where a rule pack took over.
 */
public final class StoryChart {
    /** The pack's band thresholds: High from {@code highMin}, Medium from {@code mediumMin}, else Low. */
    public record Bands(double highMin, double mediumMin) {}

    /** A story with the band thresholds it is drawn against (null: not known), as the CLI and API give it as JSON. */
    public record Story(CustomerStory story, Bands bands) {}

    private static final int WIDTH = 860;
    private static final int HEIGHT = 320;

    private StoryChart() {}

    /** The chart as an {@code <svg>} element (bands null: not shaded); a story without points gives an empty chart. */
    public static String svg(CustomerStory story, Bands bands) {
        TimeSeries score = new TimeSeries("health score");
        for (CustomerStory.Point p : story.points()) {
            score.addOrUpdate(new Millisecond(new Date(Instant.parse(p.at()).toEpochMilli())), p.healthScore());
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart("Health score: " + story.customerId(), "valid as of",
                "health score", new TimeSeriesCollection(score, TimeZone.getTimeZone("UTC")), false, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        XYStepRenderer steps = new XYStepRenderer();
        steps.setSeriesPaint(0, new Color(0x1F4E79));
        steps.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(steps);
        plot.getRangeAxis().setRange(0, 100);
        SimpleDateFormat days = new SimpleDateFormat("yyyy-MM-dd", Locale.ROOT);
        days.setTimeZone(TimeZone.getTimeZone("UTC"));
        ((DateAxis) plot.getDomainAxis()).setDateFormatOverride(days);

        if (bands != null) {
            band(plot, "High", bands.highMin(), 100, new Color(0xE3F1E3));
            band(plot, "Medium", bands.mediumMin(), bands.highMin(), new Color(0xFFF6DA));
            band(plot, "Low", 0, bands.mediumMin(), new Color(0xFBE3E1));
        }
        for (CustomerStory.Change change : story.changes()) {
            ValueMarker at = new ValueMarker(Instant.parse(change.at()).toEpochMilli(), new Color(0xB03A2E),
                    new BasicStroke(1f));
            plot.addDomainMarker(at);
        }
        for (CustomerStory.RulePack pack : story.rulePacks()) {
            ValueMarker at = new ValueMarker(Instant.parse(pack.at()).toEpochMilli(), new Color(0x555555),
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            at.setLabel("rules " + pack.version());
            at.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            at.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(at, Layer.FOREGROUND);
        }
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGElement();
    }

    private static void band(XYPlot plot, String name, double from, double to, Color color) {
        IntervalMarker band = new IntervalMarker(from, to, color);
        band.setLabel(from == 0 ? name : name + " >= " + fmt(from));
        band.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
        band.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(band, Layer.BACKGROUND);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
