package io.pulse.features;

import io.pulse.features.PopulationAggregator.Contribution;
import io.pulse.rules.facts.Population;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Remove-old + add-new keeps the sums exact and knows when a bound lost its last holder. */
class PopulationFiguresTest {
    private static Contribution account(String id, double revenue, double employees, double won, long engagement) {
        Contribution c = new Contribution();
        c.customerId = id;
        c.hasAccount = true;
        c.annualRevenue = revenue;
        c.employees = employees;
        c.totalWon = won;
        c.tier = "Gold";
        c.ltvCents = 2_000_000;
        c.hasEngagement = true;
        c.engagementMicros = engagement;
        return c;
    }

    @Test
    void removingAContributionTakesItOutOfEverySumAndCount() {
        PopulationFigures f = new PopulationFigures();
        Contribution a = account("a", 1e6, 10, 5e5, 8_000_000);
        Contribution b = account("b", 5e6, 50, 2e6, 6_000_000);
        f.add(a);
        f.add(b);
        f.remove(b);
        Population p = f.toPopulation(7);
        assertThat(p.getAsOf()).isEqualTo(7);
        assertThat(p.getCustomers()).isEqualTo(1);
        assertThat(p.getAverageEngagementScore()).isEqualTo(8.0);
        assertThat(p.getAverageLtvByTier()).containsEntry("Gold", 20_000.0);
        assertThat(f.accounts).isEqualTo(1);
    }

    @Test
    void aBoundIsUnknownOnlyWhenItsLastHolderLeavesAndKnownAgainOnceRecomputed() {
        PopulationFigures f = new PopulationFigures();
        Contribution low = account("low", 1e6, 10, 5e5, 1);
        Contribution mid = account("mid", 3e6, 30, 1e6, 1);
        Contribution high = account("high", 5e6, 50, 2e6, 1);
        Contribution highToo = account("high-too", 5e6, 50, 2e6, 1);
        for (Contribution c : List.of(low, mid, high, highToo)) {
            f.add(c);
        }
        f.remove(mid);
        assertThat(f.boundsUnknown()).as("an inner value left").isFalse();
        f.remove(highToo);
        assertThat(f.boundsUnknown()).as("the maximum keeps one holder").isFalse();
        assertThat(f.toPopulation(0).getAnnualRevenueMax()).isEqualTo(5e6);
        f.remove(high);
        assertThat(f.boundsUnknown()).as("the maximum's last holder left").isTrue();
        f.recomputeBounds(List.of(low));
        assertThat(f.boundsUnknown()).isFalse();
        Population one = f.toPopulation(0);
        assertThat(one.getAnnualRevenueMin()).as("one account: min and max are its own").isEqualTo(1e6);
        assertThat(one.getAnnualRevenueMax()).isEqualTo(1e6);
        assertThat(one.getEmployeesMin()).isEqualTo(10);
        assertThat(one.getEmployeesMax()).isEqualTo(10);
        assertThat(one.getTotalWonMax()).isEqualTo(5e5);
        f.remove(low);
        assertThat(f.accounts).isZero();
        assertThat(f.boundsUnknown()).as("no account: nothing to know").isFalse();
        assertThat(f.toPopulation(0).getTotalWonMax()).isEqualTo(0);
        f.add(account("again", 2e6, 20, 3e5, 1));
        assertThat(f.toPopulation(0).getAnnualRevenueMin()).as("bounds start afresh").isEqualTo(2e6);
    }

    @Test
    void aNotANumberWinsABoundAsMathMinAndMaxFoldIt() {
        PopulationFigures f = new PopulationFigures();
        f.add(account("a", 1e6, 10, 5e5, 1));
        Contribution broken = account("nan", Double.NaN, 20, 5e5, 1);
        f.add(broken);
        assertThat(f.annualRevenueMax.value).isNaN();
        assertThat(f.annualRevenueMin.value).isNaN();
        f.add(account("b", 9e6, 30, 5e5, 1));
        assertThat(f.annualRevenueMax.holders).as("a number does not move NaN").isEqualTo(1);
        f.remove(broken);
        assertThat(f.boundsUnknown()).isTrue();
    }
}
