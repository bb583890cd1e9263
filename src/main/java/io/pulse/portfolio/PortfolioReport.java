package io.pulse.portfolio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The portfolio view as text (the full table of {@code pulse report portfolio}, or the compact one
 * in {@code pulse demo}'s summary) and as JSON. Same matrix, same bytes.
 */
public final class PortfolioReport {
    /** What an empty cell shows. */
    static final String EMPTY = "-";
    static final String TOTAL = "Total";

    private PortfolioReport() {}

    /**
     * The full table: each cell {@code low/accounts share% grade}, e.g. {@code 12/40 30.00% Watch},
     * with a header that says what is counted and how it is graded.
     */
    public static String text(PortfolioMatrix m) {
        PortfolioMatrix.Cell total = m.total();
        StringBuilder out = new StringBuilder();
        out.append("Portfolio: share of Low-band accounts per industry x size segment\n");
        out.append(String.format(Locale.ROOT, "%,d accounts, each as of its latest evaluation%s%n", total.accounts(),
                m.latestValidAsOf() == null ? "" : " (the latest " + m.latestValidAsOf() + ")"));
        out.append("Cells: Low-band accounts/accounts, share, grade (").append(m.grades().describe()).append(")\n\n");
        int countWidth = (total.low() + "/" + total.accounts()).length(); // the widest count: the total's
        out.append(table(m, c -> full(c, countWidth)));
        return out.toString();
    }

    /** The compact table: each cell {@code share% grade}, one decimal, e.g. {@code 30.0% Watch}. */
    public static String compact(PortfolioMatrix m) {
        return table(m, PortfolioReport::brief);
    }

    private static String full(PortfolioMatrix.Cell c, int countWidth) {
        return c.isEmpty() ? EMPTY
                : String.format(Locale.ROOT, "%" + countWidth + "s %6s%% %-8s", c.low() + "/" + c.accounts(),
                        c.share().toPlainString(), c.grade());
    }

    private static String brief(PortfolioMatrix.Cell c) {
        return c.isEmpty() ? EMPTY
                : c.share().setScale(1, RoundingMode.HALF_UP).toPlainString() + "% " + c.grade();
    }

    /** Rows of industries plus a total row, columns of sizes plus a total column, padded to fit. */
    private static String table(PortfolioMatrix m, Function<PortfolioMatrix.Cell, String> show) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("Industry");
        header.addAll(m.sizes());
        header.add(TOTAL);
        rows.add(header);
        for (String industry : m.industries()) {
            List<String> row = new ArrayList<>();
            row.add(industry);
            for (String size : m.sizes()) {
                row.add(show.apply(m.cell(industry, size)));
            }
            row.add(show.apply(m.industryTotal(industry)));
            rows.add(row);
        }
        List<String> totals = new ArrayList<>();
        totals.add(TOTAL);
        for (String size : m.sizes()) {
            totals.add(show.apply(m.sizeTotal(size)));
        }
        totals.add(show.apply(m.total()));
        rows.add(totals);

        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", row.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /**
     * The matrix as JSON: the grade thresholds, the sizes and industries in order, one object per
     * industry with its cells by size and its total, the totals per size and the overall total. A
     * cell is {@code {"accounts": 40, "low": 12, "share": 30.00, "grade": "Watch"}}; an empty one has
     * {@code "share": null, "grade": null}.
     */
    public static String json(PortfolioMatrix m) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode grades = root.putObject("grades");
        grades.put(Grade.HIGH.label(), m.grades().highMin());
        grades.put(Grade.ELEVATED.label(), m.grades().elevatedMin());
        grades.put(Grade.WATCH.label(), m.grades().watchMin());
        root.put("latest_valid_as_of", m.latestValidAsOf());
        m.sizes().forEach(root.putArray("sizes")::add);
        m.industries().forEach(root.putArray("industries")::add);
        var rows = root.putArray("rows");
        for (String industry : m.industries()) {
            ObjectNode row = rows.addObject();
            row.put("industry", industry);
            ObjectNode cells = row.putObject("cells");
            for (String size : m.sizes()) {
                cell(cells.putObject(size), m.cell(industry, size));
            }
            cell(row.putObject("total"), m.industryTotal(industry));
        }
        ObjectNode sizeTotals = root.putObject("size_totals");
        for (String size : m.sizes()) {
            cell(sizeTotals.putObject(size), m.sizeTotal(size));
        }
        cell(root.putObject("total"), m.total());
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always writes", e);
        }
    }

    private static void cell(ObjectNode node, PortfolioMatrix.Cell c) {
        node.put("accounts", c.accounts());
        node.put("low", c.low());
        node.put("share", c.share());
        node.put("grade", c.grade() == null ? null : c.grade().label());
    }
}
