package io.pulse.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code metrics.json}: the figures of a backtest for machines. Nothing of the run itself goes in
 * (no wall-clock time, no path), and every list is sorted, so the same history, window and rules
 * give the same bytes at any parallelism.
 */
final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {}

    static void write(Path file, Backtest.Result r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode window = root.putObject("window");
        window.put("from", r.window().from().toString());
        window.put("to", r.window().to().toString());
        window.put("horizon_days", r.window().horizon().toDays());
        window.put("evaluated_from", r.evaluated().from().toString());
        window.put("evaluated_to", r.evaluated().to().toString());
        root.set("champion", ruleSet(r.champion(), r.championGaps()));
        if (r.challenger() != null) {
            root.set("challenger", ruleSet(r.challenger(), r.challengerGaps()));
            ObjectNode diff = root.putObject("diff");
            diff.put("customers_changed", r.diff().customersChanged());
            ObjectNode byField = diff.putObject("customers_by_field");
            r.diff().customersByField().forEach(byField::put);
        }
        JSON.writeValue(file.toFile(), root);
    }

    private static ObjectNode ruleSet(Scores s, List<FieldCoverage.Gap> gaps) {
        ObjectNode n = JSON.createObjectNode();
        n.put("rules", s.rules());
        n.put("ruleset_version", s.rulesetVersion());
        n.put("customers", s.customers());
        n.put("customers_with_outcome", s.customersWithOutcome());
        n.put("base_rate", s.baseRate());
        n.put("negative_outcomes_in_window", s.negativeOutcomesInWindow());
        n.put("green_then_churned", s.greenThenChurned());
        n.put("dead_letters", s.deadLetters());
        segments(n.putArray("actions"), "action", s.actions());
        segments(n.putArray("value_tiers"), "tier", s.valueTiers());
        segments(n.putArray("risk_tiers"), "tier", s.riskTiers());
        segments(n.putArray("health_bands"), "band", s.healthBands());
        ArrayNode weeks = n.putArray("weekly_workload");
        for (Scores.WeekWorkload w : s.weeklyWorkload()) {
            ObjectNode o = weeks.addObject();
            o.put("week", w.week());
            ObjectNode perAction = o.putObject("new_actions");
            w.newActions().forEach(perAction::put);
            o.put("total", w.total());
            if (w.perCsm() != null) {
                o.put("per_csm", w.perCsm());
            }
            if (w.leftUndone() != null) {
                o.put("left_undone", w.leftUndone());
            }
        }
        ArrayNode bands = n.putArray("band_distribution");
        for (Scores.WeekBands w : s.bandDistribution()) {
            ObjectNode o = bands.addObject();
            o.put("week", w.week());
            ObjectNode perBand = o.putObject("customers");
            w.customers().forEach(perBand::put);
        }
        stability(n.putObject("stability"), s.stability());
        ArrayNode missing = n.putArray("fields_missing_from_history");
        for (FieldCoverage.Gap g : gaps) {
            ObjectNode o = missing.addObject();
            o.put("field", g.fact() + "." + g.field());
            o.put("column", g.table() + "." + g.column());
            o.put("rows", g.rows());
            o.put("rows_without", g.rowsWithout());
            o.put("last_missing", g.lastMissing());
            o.put("evaluated_from", g.evaluatedFrom());
            o.put("why", g.describe());
        }
        return n;
    }

    private static void segments(ArrayNode out, String nameKey, List<Scores.SegmentScore> scores) {
        for (Scores.SegmentScore s : scores) {
            ObjectNode o = out.addObject();
            o.put(nameKey, s.segment().name());
            o.put("flagged", s.flagged());
            o.put("flagged_then_lost", s.flaggedThenLost());
            o.put("precision", s.precision());
            o.put("recall", s.recall());
            o.put("lift", s.lift());
            o.put("lead_time_days", s.leadTimeDays());
            o.put("lost_caught", s.lostCaught());
            o.put("churned_while_in_segment", s.churnedWhileInSegment());
        }
    }

    /** Per action and per family, in name order; the weekly new actions of the weeks wholly inside the window. */
    private static void stability(ObjectNode n, Scores.StabilityScores s) {
        n.put("window_years", s.windowYears());
        n.put("flip_flop_days", StabilityScorer.FLIP_FLOP_MS / BacktestWindow.DAY_MS);
        stabilityRows(n.putArray("actions"), "action", s.actions());
        stabilityRows(n.putArray("families"), "family", s.families());
        ObjectNode weekly = n.putObject("weekly_new_actions");
        weekly.put("median", s.weeklyNewActions().median());
        weekly.put("max", s.weeklyNewActions().max());
        weekly.put("full_weeks", s.weeklyNewActions().weeks());
    }

    private static void stabilityRows(ArrayNode out, String nameKey, List<Scores.StabilityScore> rows) {
        for (Scores.StabilityScore r : rows) {
            ObjectNode o = out.addObject();
            o.put(nameKey, r.name());
            o.put("openings", r.openings());
            o.put("openings_per_customer_year", r.openingsPerCustomerYear());
            o.put("customers_opened", r.customersOpened());
            o.put("max_openings_per_customer", r.maxOpeningsPerCustomer());
            o.put("customers_opened_3_times_or_more", r.openedThreeTimes());
            o.put("share_opened_3_times_or_more", r.shareOpenedThreeTimes());
            o.put("median_days_open", r.medianDaysOpen());
            o.put("still_open_at_end", r.stillOpenAtEnd());
            o.put("flip_flops", r.flipFlops());
            o.put("customers_with_flip_flops", r.customersWithFlipFlops());
        }
    }
}
