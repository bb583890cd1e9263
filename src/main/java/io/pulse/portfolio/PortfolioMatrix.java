package io.pulse.portfolio;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The portfolio view (rules-pack section 1): accounts per industry x size segment, the share of
 * them in the Low health band and its grade, with totals per industry, per size and overall. A
 * report, not a rule: each account counts once, as of its latest evaluation.
 *
 * <p>Deterministic: industries in alphabetical order, sizes Enterprise, Large, Mid-Market, Small
 * Business (then any other size seen, alphabetically); an account without an industry or a size
 * counts under {@value #UNKNOWN}, last.
 */
public final class PortfolioMatrix {
    /** The size segments of the CRM, largest first: the matrix's columns. */
    public static final List<String> SIZES = List.of("Enterprise", "Large", "Mid-Market", "Small Business");
    /** Row or column of the accounts whose industry or size the CRM left empty. */
    public static final String UNKNOWN = "(unknown)";
    /** The band whose share is graded. */
    public static final String LOW_BAND = "Low";

    /** One customer as the view counts it. */
    public record Account(String customerId, String industry, String sizeSegment, String healthBand,
                          String validAsOf) {}

    /**
     * One cell (or total): its accounts, how many are in the Low band, their share in percent (two
     * decimals) and its grade; share and grade are null when the cell has no account.
     */
    public record Cell(long accounts, long low, BigDecimal share, Grade grade) {
        public boolean isEmpty() {
            return accounts == 0;
        }
    }

    private final LowShareGrades grades;
    private final List<String> industries;
    private final List<String> sizes;
    private final Map<String, long[]> counts = new HashMap<>();
    private final String latestValidAsOf;

    private PortfolioMatrix(LowShareGrades grades, List<String> industries, List<String> sizes, String latestValidAsOf) {
        this.grades = grades;
        this.industries = industries;
        this.sizes = sizes;
        this.latestValidAsOf = latestValidAsOf;
    }

    /** The matrix of these accounts (one entry per customer). */
    public static PortfolioMatrix of(Collection<Account> accounts, LowShareGrades grades) {
        TreeSet<String> industries = new TreeSet<>();
        TreeSet<String> otherSizes = new TreeSet<>();
        boolean unknownIndustry = false;
        boolean unknownSize = false;
        String latest = null;
        for (Account a : accounts) {
            if (blank(a.industry())) {
                unknownIndustry = true;
            } else {
                industries.add(a.industry());
            }
            if (blank(a.sizeSegment())) {
                unknownSize = true;
            } else if (!SIZES.contains(a.sizeSegment())) {
                otherSizes.add(a.sizeSegment());
            }
            if (a.validAsOf() != null && (latest == null || a.validAsOf().compareTo(latest) > 0)) {
                latest = a.validAsOf();
            }
        }
        List<String> rows = new ArrayList<>(industries);
        if (unknownIndustry) {
            rows.add(UNKNOWN);
        }
        List<String> columns = new ArrayList<>(SIZES);
        columns.addAll(otherSizes);
        if (unknownSize) {
            columns.add(UNKNOWN);
        }
        PortfolioMatrix m = new PortfolioMatrix(grades, List.copyOf(rows), List.copyOf(columns), latest);
        for (Account a : accounts) {
            long[] c = m.counts.computeIfAbsent(key(orUnknown(a.industry()), orUnknown(a.sizeSegment())),
                    k -> new long[2]);
            c[0]++;
            if (LOW_BAND.equals(a.healthBand())) {
                c[1]++;
            }
        }
        return m;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String orUnknown(String s) {
        return blank(s) ? UNKNOWN : s;
    }

    private static String key(String industry, String size) {
        return industry + '\u0000' + size;
    }

    public LowShareGrades grades() {
        return grades;
    }

    /** The rows: industries in alphabetical order, {@value #UNKNOWN} last when some account has none. */
    public List<String> industries() {
        return Collections.unmodifiableList(industries);
    }

    /** The columns: {@link #SIZES}, then any other size seen, then {@value #UNKNOWN} when some account has none. */
    public List<String> sizes() {
        return Collections.unmodifiableList(sizes);
    }

    /** The latest {@code valid_as_of} among the accounts counted; null when there are none. */
    public String latestValidAsOf() {
        return latestValidAsOf;
    }

    public Cell cell(String industry, String size) {
        long[] c = counts.get(key(industry, size));
        return c == null ? cell(0, 0) : cell(c[0], c[1]);
    }

    /** All sizes of one industry. */
    public Cell industryTotal(String industry) {
        return sum(sizes, size -> cell(industry, size));
    }

    /** All industries of one size. */
    public Cell sizeTotal(String size) {
        return sum(industries, industry -> cell(industry, size));
    }

    private Cell sum(List<String> keys, Function<String, Cell> cellOf) {
        long accounts = 0, low = 0;
        for (String key : keys) {
            Cell c = cellOf.apply(key);
            accounts += c.accounts();
            low += c.low();
        }
        return cell(accounts, low);
    }

    /** Every account. */
    public Cell total() {
        long accounts = 0, low = 0;
        for (long[] c : counts.values()) {
            accounts += c[0];
            low += c[1];
        }
        return cell(accounts, low);
    }

    private Cell cell(long accounts, long low) {
        BigDecimal share = LowShareGrades.share(low, accounts);
        return new Cell(accounts, low, share, share == null ? null : grades.grade(share));
    }
}
