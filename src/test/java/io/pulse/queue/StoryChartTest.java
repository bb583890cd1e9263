package io.pulse.queue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The story's chart as SVG: its title, the bands with their thresholds, a line per change and per rule pack. */
class StoryChartTest {
    private static final String CHANGE_RED = "rgb(176,58,46)";
    private static final String PACK_DASH = "stroke-dasharray:6.0,4.0";

    private static CustomerStory story() {
        List<CustomerStory.Point> points = List.of(
                new CustomerStory.Point("2026-03-02T00:00:00Z", 82, "High", "High", "Low", 1, "v1", Map.of()),
                new CustomerStory.Point("2026-03-08T00:00:00Z", 78.5, "Medium", "High", "Low", 1, "v1", Map.of()),
                new CustomerStory.Point("2026-03-20T00:00:00Z", 40, "Low", "High", "High", 1, "v2", Map.of()));
        return new CustomerStory("acme.com", points, CustomerStory.changes(points),
                List.of(new CustomerStory.RulePack("2026-03-20T00:00:00Z", "v2", "first evaluation")), List.of());
    }

    @Test
    void theChartShowsTheScoreAgainstThePacksBandsWithALinePerChangeAndPerRulePack() {
        String svg = StoryChart.svg(story(), new StoryChart.Bands(80, 50));

        assertThat(svg).startsWith("<svg").endsWith("</svg>");
        assertThat(texts(svg)).contains("Health score: acme.com", "High &gt;= 80", "Medium &gt;= 50", "Low",
                "rules v2", "valid as of");
        assertThat(count(svg, CHANGE_RED)).as("two changes: High to Medium, Medium to Low").isEqualTo(2);
        assertThat(count(svg, PACK_DASH)).as("one rule pack took over").isEqualTo(1);
        assertThat(svg).contains("rgb(227,241,227)", "rgb(255,246,218)", "rgb(251,227,225)");
    }

    @Test
    void withoutBandsTheChartIsNotShadedAndAStoryWithoutPointsStillDraws() {
        String svg = StoryChart.svg(story(), null);
        assertThat(texts(svg)).doesNotContain("High &gt;= 80", "Low");
        assertThat(svg).doesNotContain("rgb(227,241,227)");

        String empty = StoryChart.svg(new CustomerStory("new.com", List.of(), List.of(), List.of(), List.of()),
                new StoryChart.Bands(70, 40));
        assertThat(texts(empty)).contains("Health score: new.com", "High &gt;= 70", "Medium &gt;= 40");
    }

    private static List<String> texts(String svg) {
        Matcher m = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(svg);
        List<String> texts = new java.util.ArrayList<>();
        while (m.find()) {
            texts.add(m.group(1));
        }
        return texts;
    }

    private static int count(String svg, String needle) {
        int n = 0;
        for (int i = svg.indexOf(needle); i >= 0; i = svg.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
