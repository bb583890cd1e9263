package io.pulse.cli;

import io.pulse.queue.CustomerStory;
import io.pulse.queue.StoryChart;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A customer's story as `pulse queue customer` prints it. */
final class StoryText {
    private StoryText() {}

    /** The band thresholds of the pack in {@code rules}. */
    static StoryChart.Bands bands(Path rules) throws IOException {
        try {
            Parameters.HealthBands b = RuleSet.load(rules).parameters().getHealthBands();
            return new StoryChart.Bands(b.getHighMin(), b.getMediumMin());
        } catch (RuleCompilationException e) {
            throw CliFailure.badInput("--rules " + rules + ": " + e.getMessage());
        }
    }

    static void print(PrintStream out, CustomerStory story, StoryChart.Bands bands) {
        CustomerStory.Point latest = story.latest();
        out.printf("Customer %s%n", story.customerId());
        if (latest == null) {
            out.println("  No score history yet.");
        } else {
            out.printf(Locale.ROOT, "  Now (as of %s): health %s %.1f, %s value / %s risk, 6m revenue $%,.0f%n",
                    day(latest.at()), latest.healthBand(), latest.healthScore(), latest.valueTier(), latest.riskTier(),
                    latest.predicted6mRevenue());
            CustomerStory.Point first = story.points().get(0);
            double min = story.points().stream().mapToDouble(CustomerStory.Point::healthScore).min().orElse(0);
            double max = story.points().stream().mapToDouble(CustomerStory.Point::healthScore).max().orElse(0);
            out.printf(Locale.ROOT, "  Health score %s .. %s: %d changes, from %.1f to %.1f (lowest %.1f, highest %.1f);"
                            + " bands High >= %s, Medium >= %s%n", day(first.at()), day(latest.at()),
                    story.points().size(), first.healthScore(), latest.healthScore(), min, max, num(bands.highMin()),
                    num(bands.mediumMin()));
        }
        out.println();
        out.println("Band and tier changes (inputs that moved the score most since the change before, in points)");
        if (story.changes().isEmpty()) {
            out.println("  none");
        }
        for (CustomerStory.Change c : story.changes()) {
            out.printf(Locale.ROOT, "  %s  %-46s score %5.1f  %s%n", day(c.at()), String.join(", ", c.what()),
                    c.healthScore(), moves(c.movedMost()));
        }
        out.println();
        out.println("Rule packs");
        if (story.rulePacks().isEmpty()) {
            CustomerStory.Point first = story.points().isEmpty() ? null : story.points().get(0);
            out.println(first == null ? "  none" : "  " + first.rulesetVersion() + " throughout");
        }
        for (CustomerStory.RulePack p : story.rulePacks()) {
            out.printf("  %s  %s (%s)%n", day(p.at()), p.version(), p.source());
        }
        out.println();
        out.println("Actions");
        if (story.actions().isEmpty()) {
            out.println("  none");
        }
        for (CustomerStory.ActionEvent a : story.actions()) {
            out.printf("  %s  #%-7d %-22s %-28s by %s%s%n", day(a.at()), a.actionId(), a.action(),
                    (a.from() == null ? "" : a.from() + " -> ") + a.to(), a.actor(),
                    a.note() == null ? "" : ": " + a.note());
        }
    }

    private static String moves(List<CustomerStory.InputMove> moves) {
        return moves.isEmpty() ? "" : "moved most: " + moves.stream()
                .map(m -> String.format(Locale.ROOT, "%s %+.1f", m.input().replace('_', ' '), m.delta()))
                .collect(Collectors.joining(", "));
    }

    private static String day(String at) {
        return at == null || at.length() < 10 ? String.valueOf(at) : at.substring(0, 10);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
