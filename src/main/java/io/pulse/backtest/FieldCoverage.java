package io.pulse.backtest;

import io.pulse.events.DeclaredTable;
import io.pulse.features.declared.FeatureDeclaration;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.history.HistoryDatabase;
import io.pulse.jdbc.SqlDialect;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which history columns a rule set reads, and whether they are missing from part of the history.
 *
 * <p>A missing value does not stop a rule: the fact field takes its default (0, false, null) and
 * the rule quietly judges a customer on it. So before scoring, the backtest looks up each fact
 * field the rule set names (in its DRL text, comments and strings left out) in the history column
 * it comes from. When some rows before the window's end lack it, the rule set can only be judged
 * after the last such row: the report says so, and both rule sets are scored from the day after
 * (the <em>evaluated part</em>). A simple rule, honest about what it does not know: a rule set
 * that names a field in a condition it never reaches is still restricted.
 *
 * <p>The map below follows {@link io.pulse.history.HistoryQueries} and the features operator;
 * a fact field not in it (e.g. one derived by the pipeline) is not checked.
 */
public final class FieldCoverage {
    /** A fact field and the history column it comes from. */
    record Source(String fact, String field, String table, String column, String timeColumn) {}

    /**
     * A field the rule set reads that some rows before the window's end lack, or a declared feature
     * whose table's rows start too late for its window.
     */
    public record Gap(String fact, String field, String table, String column, long rows, long rowsWithout,
               String lastMissing, String evaluatedFrom, String describe) {
        Gap(String fact, String field, String table, String column, long rows, long rowsWithout, String lastMissing,
            String evaluatedFrom) {
            this(fact, field, table, column, rows, rowsWithout, lastMissing, evaluatedFrom, String.format(
                    "%s.%s (%s.%s) is missing in %,d of %,d rows, the last on %s", fact, field, table, column,
                    rowsWithout, rows, lastMissing));
        }
    }

    private static final Map<String, Source> SOURCES = new LinkedHashMap<>();

    static {
        String accounts = "salesforce__customer_360_view";
        account("industry", accounts, "industry_normalized");
        account("sizeSegment", accounts, "account_size_segment");
        account("employees", accounts, "number_of_employees");
        account("annualRevenue", accounts, "annual_revenue");
        account("totalWonAmount", accounts, "total_won_amount");
        account("pipelineAmount", accounts, "current_pipeline_amount");
        account("totalContacts", accounts, "total_contacts");
        account("contactsWithEmail", accounts, "contacts_with_email");
        account("daysSinceLastActivity", accounts, "days_since_last_activity");
        account("activities30d", accounts, "total_activities_30d");
        String activity = "customer360__customer_activity_metrics";
        profile("activityRiskLevel", activity, "activity_risk_level", "activity_analysis_timestamp");
        profile("engagementVelocity", activity, "engagement_velocity", "activity_analysis_timestamp");
        profile("sourceHealthScore", activity, "customer_health_score", "activity_analysis_timestamp");
        profile("compositeEngagementScore", activity, "composite_engagement_score", "activity_analysis_timestamp");
        profile("zendeskActive", activity, "zendesk_active", "activity_analysis_timestamp");
        String funnel = "customer360__conversion_funnel_analysis";
        profile("marketingToSalesDays", funnel, "marketing_to_sales_days", "funnel_analysis_timestamp");
        profile("salesToSupportDays", funnel, "sales_to_support_days", "funnel_analysis_timestamp");
        String value = "customer360__customer_value_analysis";
        profile("customerTier", value, "customer_tier", "analysis_timestamp");
        profile("estimatedLtv", value, "estimated_customer_ltv", "analysis_timestamp");
        profile("monetaryScore", value, "monetary_score", "analysis_timestamp");
        profile("churnProbability", value, "churn_probability", "analysis_timestamp");
    }

    private static void account(String field, String table, String column) {
        SOURCES.put(field, new Source("Account", field, table, column, "snapshot_at"));
    }

    private static void profile(String field, String table, String column, String timeColumn) {
        SOURCES.put(field, new Source("CustomerProfile", field, table, column, timeColumn));
    }

    private static final Pattern COMMENTS_AND_STRINGS =
            Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.DOTALL);

    private FieldCoverage() {}

    /** The DRL of the rule set with comments and strings blanked out. */
    private static String drlCode(RuleSet rules) {
        StringBuilder code = new StringBuilder();
        rules.files().forEach((name, text) -> {
            if (name.endsWith(".drl")) {
                code.append(COMMENTS_AND_STRINGS.matcher(text).replaceAll(" ")).append('\n');
            }
        });
        return code.toString();
    }

    /** The mapped fact fields the rule set's DRL names, in map order. */
    static List<Source> read(RuleSet rules) {
        String code = drlCode(rules);
        List<Source> read = new ArrayList<>();
        for (Source s : SOURCES.values()) {
            Matcher m = Pattern.compile("\\b" + s.field() + "\\b").matcher(code);
            if (m.find()) {
                read.add(s);
            }
        }
        return read;
    }

    /** The part of the window after the last row that lacks a field some rule set reads. */
    static BacktestWindow evaluatedPart(BacktestWindow window, List<Gap> gaps) {
        LocalDate from = window.from();
        for (Gap g : gaps) {
            LocalDate d = LocalDate.parse(g.evaluatedFrom());
            from = d.isAfter(from) ? d : from;
        }
        if (from.isAfter(window.to())) {
            throw new IllegalArgumentException("nothing to score: " + gaps.stream().map(Gap::describe).toList()
                    + ", up to the window's end " + window.to());
        }
        return window.startingAt(from);
    }

    /** The fields the rule set reads that are missing from rows of the history before the window's end. */
    static List<Gap> gaps(RuleSet rules, String historyUrl, BacktestWindow window) throws SQLException {
        List<Gap> gaps = new ArrayList<>();
        SqlDialect dialect = HistoryDatabase.of(historyUrl).dialect();
        try (Connection c = DriverManager.getConnection(historyUrl)) {
            for (Source s : read(rules)) {
                String time = dialect.epochMillis(s.timeColumn());
                String sql = "SELECT count(*), sum(CASE WHEN " + s.column() + " IS NULL THEN 1 ELSE 0 END),"
                        + " max(CASE WHEN " + s.column() + " IS NULL THEN " + time + " END) FROM " + s.table()
                        + " WHERE " + time + " < ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, window.endMs());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        long missing = rs.getLong(2);
                        if (missing > 0) {
                            LocalDate last = LocalDate.ofInstant(Instant.ofEpochMilli(rs.getLong(3)), ZoneOffset.UTC);
                            gaps.add(new Gap(s.fact(), s.field(), s.table(), s.column(), rs.getLong(1), missing,
                                    last.toString(), last.plusDays(1).toString()));
                        }
                    }
                }
            }
            gaps.addAll(declaredFeatureGaps(rules, c, dialect, window));
        }
        return gaps;
    }

    /**
     * The declared features the rule set reads over a table the pack declares whose rows start after
     * the window's start less the feature's window: before that day the feature counts a part of
     * its window only (an empty value reads as "nothing happened"). A table with no row before the
     * window's end leaves nothing to score. Pulse's own tables start with the history.
     */
    private static List<Gap> declaredFeatureGaps(RuleSet rules, Connection c, SqlDialect dialect, BacktestWindow window)
            throws SQLException {
        FeatureDeclarations declared;
        try {
            declared = rules.declarations();
        } catch (RuleCompilationException e) {
            throw new IllegalArgumentException(String.join("; ", e.problems()), e);
        }
        String code = drlCode(rules);
        List<Gap> gaps = new ArrayList<>();
        for (FeatureDeclaration f : declared.features()) {
            DeclaredTable t = declared.tables().stream().filter(x -> x.name().equals(f.source())).findFirst().orElse(null);
            if (t == null || !Pattern.compile("\\b" + f.name() + "\\b").matcher(code).find()) {
                continue;
            }
            String time = dialect.epochMillis(t.timeColumn());
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), min(" + time + ") FROM " + t.table()
                    + " WHERE " + time + " < ?")) {
                ps.setLong(1, window.endMs());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long rows = rs.getLong(1);
                    String field = FeatureDeclarations.FACT + "." + f.name();
                    if (rows == 0) {
                        gaps.add(new Gap(FeatureDeclarations.FACT, f.name(), t.table(), t.timeColumn(), 0, 0,
                                window.to().toString(), window.to().plusDays(1).toString(), field + " reads "
                                + t.table() + ", which has no row before " + window.to().plusDays(1)));
                        continue;
                    }
                    LocalDate first = LocalDate.ofInstant(Instant.ofEpochMilli(rs.getLong(2)), ZoneOffset.UTC);
                    LocalDate whole = first.plusDays(f.windowDays());
                    if (whole.isAfter(window.from())) {
                        gaps.add(new Gap(FeatureDeclarations.FACT, f.name(), t.table(), t.timeColumn(), rows, 0,
                                whole.minusDays(1).toString(), whole.toString(), field + " reads " + t.table()
                                + ", whose rows start on " + first + (f.windowDays() > 0 ? ": its " + f.windowDays()
                                + "-day window is whole from " + whole : "") + "; scored from " + whole));
                    }
                }
            }
        }
        return gaps;
    }
}
