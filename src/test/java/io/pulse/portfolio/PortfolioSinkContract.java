package io.pulse.portfolio;

import io.pulse.model.Recommendation;
import io.pulse.actions.SinkDatabase;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.Actor;
import io.pulse.queue.Outcome;
import io.pulse.testing.QueueFixtures.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static io.pulse.testing.QueueFixtures.day;
import static io.pulse.testing.QueueFixtures.pipelineWrites;
import static io.pulse.testing.QueueFixtures.recommendation;
import static io.pulse.testing.QueueFixtures.retired;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portfolio view read from a real action table, run on each database by a thin subclass: rows
 * written by the pipeline's own upsert, some worked by people, some retired, some from before the
 * industry and size columns; each customer counts once, as of its latest evaluation.
 */
abstract class PortfolioSinkContract {
    private static final LowShareGrades GRADES =
            new LowShareGrades(new BigDecimal("70"), new BigDecimal("40"), new BigDecimal("20"));

    private String url;

    /** A JDBC URL of an empty database of the kind under test. */
    abstract String newDatabaseUrl() throws Exception;

    @BeforeEach
    void createTable() throws Exception {
        url = newDatabaseUrl();
        SinkDatabase.of(url).createSchema();
    }

    /** The HEALTH-family recommendation of one customer's evaluation on {@code day}. */
    private static Recommendation health(String customer, String band, String industry, String size, int day) {
        String action = switch (band) {
            case "Low" -> "REACT_AND_RESCUE";
            case "Medium" -> "NURTURE_AND_GROW";
            default -> "ADVOCATE_AND_EXPAND";
        };
        Recommendation r = recommendation(customer, action, 1, 1_000, day);
        r.setFamily("HEALTH");
        r.setHealthBand(band);
        r.setIndustry(industry);
        r.setSizeSegment(size);
        return r;
    }

    /** The same evaluation's VALUE_RISK recommendation: same band, must not count twice. */
    private static Recommendation valueRisk(Recommendation health) {
        Recommendation r = recommendation(health.getCustomerId(), "URGENT_RETAIN", 1, 1_000, 0);
        r.setValidAsOf(health.getValidAsOf());
        r.setHealthBand(health.getHealthBand());
        r.setIndustry(health.getIndustry());
        r.setSizeSegment(health.getSizeSegment());
        return r;
    }

    private void evaluated(Recommendation... health) throws Exception {
        for (Recommendation h : health) {
            pipelineWrites(url, h, valueRisk(h));
        }
    }

    private void done(String customer, String action) throws Exception {
        try (ActionQueue queue = ActionQueue.open(url, 1, new TestClock(day(3)))) {
            long id = Long.parseLong(rows(url, "SELECT id FROM recommended_actions WHERE customer_id = '" + customer
                    + "' AND action = '" + action + "'").get(0));
            queue.done(id, Actor.agent("dana"), Outcome.SAVED, "rescue plan agreed");
        }
    }

    private PortfolioMatrix matrix() throws Exception {
        return PortfolioQuery.matrix(SinkDatabase.of(url), GRADES);
    }

    private static void assertCell(PortfolioMatrix.Cell cell, String what, long low, long accounts, String share,
                                   Grade grade) {
        assertThat(cell.accounts()).as(what + " accounts, in " + cell).isEqualTo(accounts);
        assertThat(cell.low()).as(what + " Low-band accounts, in " + cell).isEqualTo(low);
        assertThat(cell.share()).as(what + " share, in " + cell).isEqualByComparingTo(share);
        assertThat(cell.grade()).as(what + " grade, in " + cell).isEqualTo(grade);
    }

    @Test
    void eachCustomerCountsOnceAsOfItsLatestEvaluation() throws Exception {
        evaluated(
                health("a.com", "Low", "Technology", "Enterprise", 1),
                health("b.com", "Medium", "Technology", "Enterprise", 1),
                health("c.com", "Low", "Technology", "Enterprise", 2),
                health("d.com", "Low", "Technology", "Small Business", 1),
                health("e.com", "High", "Healthcare", "Mid-Market", 1),
                health("f.com", "Medium", "Healthcare", "Mid-Market", 1),
                health("g.com", "Medium", "Healthcare", "Mid-Market", 1),
                health("h.com", "Medium", "Healthcare", "Mid-Market", 1),
                health("i.com", "Low", "Healthcare", "Mid-Market", 1),
                health("k.com", "Low", "Retail", "Small Business", 1),
                health("m.com", "Low", null, "Mid-Market", 1),
                health("n.com", "Low", "Education", "Large", 1));
        // j.com was Low, then Medium: the pipeline retires the rescue and recommends nurturing
        Recommendation rescue = health("j.com", "Low", "Healthcare", "Large", 1);
        evaluated(rescue);
        pipelineWrites(url, health("j.com", "Medium", "Healthcare", "Large", 5), retired(rescue, day(5).toEpochMilli()));
        // k.com's rescue is DONE but still recommended: k.com is still Low
        done("k.com", "REACT_AND_RESCUE");
        // l.com's rescue is DONE, then l.com turns Medium: the DONE row stays DONE, retired by the pipeline
        Recommendation lRescue = health("l.com", "Low", "Retail", "Small Business", 1);
        evaluated(lRescue);
        done("l.com", "REACT_AND_RESCUE");
        pipelineWrites(url, health("l.com", "Medium", "Retail", "Small Business", 6),
                retired(lRescue, day(6).toEpochMilli()));
        assertThat(rows(url, "SELECT status, pipeline_status FROM recommended_actions"
                + " WHERE customer_id = 'l.com' AND action = 'REACT_AND_RESCUE'")).containsExactly("DONE | SUPERSEDED");
        // n.com's row is from before the industry, size and pipeline status columns
        try (Connection c = SinkDatabase.of(url).connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE recommended_actions SET industry = NULL, size_segment = NULL, pipeline_status = NULL"
                    + " WHERE customer_id = 'n.com'");
        }

        PortfolioMatrix m = matrix();

        assertThat(m.industries()).containsExactly("Healthcare", "Retail", "Technology", PortfolioMatrix.UNKNOWN);
        assertThat(m.sizes()).containsExactly("Enterprise", "Large", "Mid-Market", "Small Business",
                PortfolioMatrix.UNKNOWN);
        assertCell(m.cell("Technology", "Enterprise"), "Technology x Enterprise", 2, 3, "66.67", Grade.ELEVATED);
        assertCell(m.cell("Technology", "Small Business"), "Technology x Small Business", 1, 1, "100", Grade.HIGH);
        assertCell(m.cell("Healthcare", "Mid-Market"), "Healthcare x Mid-Market", 1, 5, "20", Grade.WATCH);
        assertCell(m.cell("Healthcare", "Large"), "Healthcare x Large (j.com, now Medium)", 0, 1, "0", Grade.STABLE);
        assertCell(m.cell("Retail", "Small Business"), "Retail x Small Business (k.com Low, l.com now Medium)", 1, 2,
                "50", Grade.ELEVATED);
        assertCell(m.cell(PortfolioMatrix.UNKNOWN, "Mid-Market"), "no industry x Mid-Market", 1, 1, "100", Grade.HIGH);
        assertCell(m.cell(PortfolioMatrix.UNKNOWN, PortfolioMatrix.UNKNOWN), "the row from before the columns", 1, 1,
                "100", Grade.HIGH);
        assertThat(m.cell("Healthcare", "Enterprise").isEmpty()).isTrue();
        assertThat(m.cell("Healthcare", "Enterprise").grade()).isNull();

        assertCell(m.industryTotal("Technology"), "Technology", 3, 4, "75", Grade.HIGH);
        assertCell(m.industryTotal("Healthcare"), "Healthcare", 1, 6, "16.67", Grade.STABLE);
        assertCell(m.sizeTotal("Mid-Market"), "Mid-Market", 2, 6, "33.33", Grade.WATCH);
        assertCell(m.sizeTotal("Small Business"), "Small Business", 2, 3, "66.67", Grade.ELEVATED);
        assertCell(m.sizeTotal("Large"), "Large", 0, 1, "0", Grade.STABLE);
        assertCell(m.total(), "all", 7, 14, "50", Grade.ELEVATED);
        assertThat(m.latestValidAsOf()).isEqualTo("2026-03-08T00:00:00Z");
    }

    @Test
    void theIndustryAndSizeAreThoseOfTheLatestEvaluation() throws Exception {
        evaluated(health("a.com", "Low", "Retail", "Mid-Market", 1));
        evaluated(health("a.com", "Low", "Technology", "Large", 4)); // the CRM moved the account
        evaluated(health("b.com", "Low", "Retail", "Mid-Market", 3));
        evaluated(health("b.com", "Low", "Retail", "Mid-Market", 2)); // late and older: changes nothing

        PortfolioMatrix m = matrix();

        assertThat(m.industries()).containsExactly("Retail", "Technology");
        assertCell(m.cell("Technology", "Large"), "a.com now", 1, 1, "100", Grade.HIGH);
        assertCell(m.cell("Retail", "Mid-Market"), "b.com", 1, 1, "100", Grade.HIGH);
        assertCell(m.total(), "all", 2, 2, "100", Grade.HIGH);
    }

    @Test
    void anEmptyTableGivesAnEmptyMatrix() throws Exception {
        PortfolioMatrix m = matrix();
        assertThat(m.industries()).isEmpty();
        assertThat(m.sizes()).isEqualTo(PortfolioMatrix.SIZES);
        assertThat(m.total().isEmpty()).isTrue();
        assertThat(PortfolioReport.json(m)).contains("\"share\" : null");
        assertThat(List.of(PortfolioReport.text(m).split("\n"))).contains("0 accounts, each as of its latest evaluation");
    }
}
