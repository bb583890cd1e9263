package io.pulse.portfolio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The portfolio view as text and JSON: what a reader sees of a known matrix. */
class PortfolioReportTest {
    private static final LowShareGrades GRADES =
            new LowShareGrades(new BigDecimal("70"), new BigDecimal("40"), new BigDecimal("20"));

    /** {@code n} accounts of one cell, the first {@code low} of them in the Low band. */
    private static void add(List<PortfolioMatrix.Account> to, String industry, String size, int low, int n) {
        for (int i = 0; i < n; i++) {
            to.add(new PortfolioMatrix.Account(industry + "-" + size + "-" + i + ".com", industry, size,
                    i < low ? "Low" : "Medium", "2025-06-0" + (1 + i % 9) + "T00:00:00Z"));
        }
    }

    private static List<PortfolioMatrix.Account> accounts() {
        List<PortfolioMatrix.Account> accounts = new ArrayList<>();
        add(accounts, "Technology", "Enterprise", 7, 10);
        add(accounts, "Technology", "Small Business", 0, 4);
        add(accounts, "Healthcare", "Mid-Market", 2, 5);
        add(accounts, "Healthcare", "Small Business", 1, 3);
        return accounts;
    }

    @Test
    void theFullTableShowsCountsSharesAndGradesWithTotals() {
        assertThat(PortfolioReport.text(PortfolioMatrix.of(accounts(), GRADES))).isEqualTo("""
                Portfolio: share of Low-band accounts per industry x size segment
                22 accounts, each as of its latest evaluation (the latest 2025-06-09T00:00:00Z)
                Cells: Low-band accounts/accounts, share, grade (High >= 70%, Elevated >= 40%, Watch >= 20%, Stable below)

                Industry    Enterprise              Large  Mid-Market              Small Business          Total
                Healthcare  -                       -        2/5  40.00% Elevated    1/3  33.33% Watch       3/8  37.50% Watch
                Technology   7/10  70.00% High      -      -                         0/4   0.00% Stable     7/14  50.00% Elevated
                Total        7/10  70.00% High      -        2/5  40.00% Elevated    1/7  14.29% Stable    10/22  45.45% Elevated
                """);
    }

    @Test
    void theCompactTableShowsSharesToOneDecimalAndGrades() {
        assertThat(PortfolioReport.compact(PortfolioMatrix.of(accounts(), GRADES))).isEqualTo("""
                Industry    Enterprise  Large  Mid-Market      Small Business  Total
                Healthcare  -           -      40.0% Elevated  33.3% Watch     37.5% Watch
                Technology  70.0% High  -      -               0.0% Stable     50.0% Elevated
                Total       70.0% High  -      40.0% Elevated  14.3% Stable    45.5% Elevated
                """);
    }

    @Test
    void theJsonCarriesEveryCellTheTotalsAndTheThresholds() throws Exception {
        String text = PortfolioReport.json(PortfolioMatrix.of(accounts(), GRADES));
        assertThat(text).as("shares keep their two decimals").contains("\"share\" : 70.00,", "\"share\" : 0.00,");
        JsonNode json = new ObjectMapper().readTree(text);
        assertThat(json.at("/grades/High").decimalValue()).isEqualByComparingTo("70");
        assertThat(json.at("/sizes").toString()).isEqualTo("[\"Enterprise\",\"Large\",\"Mid-Market\",\"Small Business\"]");
        assertThat(json.at("/industries").toString()).isEqualTo("[\"Healthcare\",\"Technology\"]");
        assertThat(json.at("/rows/1/industry").asText()).isEqualTo("Technology");
        assertThat(json.at("/rows/1/cells/Enterprise").toString())
                .isEqualTo("{\"accounts\":10,\"low\":7,\"share\":70.0,\"grade\":\"High\"}");
        assertThat(json.at("/rows/1/cells/Large").toString())
                .isEqualTo("{\"accounts\":0,\"low\":0,\"share\":null,\"grade\":null}");
        assertThat(json.at("/rows/0/total/share").decimalValue()).isEqualByComparingTo("37.50");
        assertThat(json.at("/size_totals/Small Business/grade").asText()).isEqualTo("Stable");
        assertThat(json.at("/total").toString())
                .isEqualTo("{\"accounts\":22,\"low\":10,\"share\":45.45,\"grade\":\"Elevated\"}");
        assertThat(json.at("/latest_valid_as_of").asText()).isEqualTo("2025-06-09T00:00:00Z");
    }

    @Test
    void theOrderOfTheRowsReadDoesNotChangeTheReport() {
        List<PortfolioMatrix.Account> shuffled = accounts();
        Collections.shuffle(shuffled, new Random(7));
        PortfolioMatrix inOrder = PortfolioMatrix.of(accounts(), GRADES);
        PortfolioMatrix reordered = PortfolioMatrix.of(shuffled, GRADES);
        assertThat(PortfolioReport.json(reordered)).isEqualTo(PortfolioReport.json(inOrder));
        assertThat(PortfolioReport.text(reordered)).isEqualTo(PortfolioReport.text(inOrder));
    }
}
