package io.pulse.features;

import io.pulse.features.PopulationAggregator.Contribution;
import io.pulse.rules.facts.Population;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjDoubleConsumer;

/**
 * The running figures behind a {@link Population}: sums and counts, and each bound with how many
 * customers hold it, so that one customer's change is applied as remove-old + add-new without
 * re-reading everyone. A bound whose last holder moved inward is unknown until
 * {@link #recomputeBounds} re-reads every contribution. A Flink POJO (the state can evolve).
 */
public class PopulationFigures {
    public long customers;
    /** Estimated LTV in cents, per customer tier. */
    public Map<String, Sum> ltvCentsByTier = new HashMap<>();
    /** Composite engagement score in micro-points, of the customers whose activity is scored. */
    public Sum engagementMicros = new Sum();
    /** Customers with an account: the bounds are over them. */
    public long accounts;
    public Bound annualRevenueMin = Bound.lowest();
    public Bound annualRevenueMax = Bound.highest();
    public Bound employeesMin = Bound.lowest();
    public Bound employeesMax = Bound.highest();
    public Bound totalWonMax = Bound.highest();

    public PopulationFigures() {}

    public void add(Contribution c) {
        customers++;
        if (c.tier != null) {
            ltvCentsByTier.computeIfAbsent(c.tier, t -> new Sum()).add(c.ltvCents);
        }
        if (c.hasEngagement) {
            engagementMicros.add(c.engagementMicros);
        }
        if (c.hasAccount) {
            accounts++;
            addToBounds(c);
        }
    }

    public void remove(Contribution c) {
        customers--;
        if (c.tier != null) {
            Sum tier = ltvCentsByTier.get(c.tier);
            tier.remove(c.ltvCents);
            if (tier.count == 0) {
                ltvCentsByTier.remove(c.tier);
            }
        }
        if (c.hasEngagement) {
            engagementMicros.remove(c.engagementMicros);
        }
        if (c.hasAccount) {
            accounts--;
            if (accounts == 0) {
                resetBounds();
            } else {
                forEachBound(c, Bound::remove);
            }
        }
    }

    /** Whether some bound lost its last holder since it was last known. */
    public boolean boundsUnknown() {
        return accounts > 0 && (annualRevenueMin.holders == 0 || annualRevenueMax.holders == 0
                || employeesMin.holders == 0 || employeesMax.holders == 0 || totalWonMax.holders == 0);
    }

    /** Finds every bound again over the given contributions (all of them, one per customer). */
    public void recomputeBounds(Iterable<Contribution> contributions) {
        resetBounds();
        for (Contribution c : contributions) {
            if (c.hasAccount) {
                addToBounds(c);
            }
        }
    }

    /** The figures as the rules see them, valid as of {@code asOf}; the bounds must be known. */
    public Population toPopulation(long asOf) {
        Population p = new Population();
        p.setAsOf(asOf);
        p.setCustomers((int) customers);
        Map<String, Double> averageLtvByTier = new HashMap<>();
        for (Map.Entry<String, Sum> e : new TreeMap<>(ltvCentsByTier).entrySet()) {
            averageLtvByTier.put(e.getKey(), e.getValue().total / 100.0 / e.getValue().count);
        }
        p.setAverageLtvByTier(averageLtvByTier);
        p.setAverageEngagementScore(
                engagementMicros.count == 0 ? 0 : engagementMicros.total / 1e6 / engagementMicros.count);
        if (annualRevenueMax.value >= annualRevenueMin.value) {
            p.setAnnualRevenueMin(annualRevenueMin.value);
            p.setAnnualRevenueMax(annualRevenueMax.value);
            p.setEmployeesMin(employeesMin.value);
            p.setEmployeesMax(employeesMax.value);
        }
        // The largest won amount is never below 0, even with no account.
        p.setTotalWonMax(Math.max(0, totalWonMax.value));
        return p;
    }

    private void addToBounds(Contribution c) {
        forEachBound(c, Bound::add);
    }

    /** Applies {@code change} to each bound with the contribution's value for it. */
    private void forEachBound(Contribution c, ObjDoubleConsumer<Bound> change) {
        change.accept(annualRevenueMin, c.annualRevenue);
        change.accept(annualRevenueMax, c.annualRevenue);
        change.accept(employeesMin, c.employees);
        change.accept(employeesMax, c.employees);
        change.accept(totalWonMax, c.totalWon);
    }

    private void resetBounds() {
        annualRevenueMin = Bound.lowest();
        annualRevenueMax = Bound.highest();
        employeesMin = Bound.lowest();
        employeesMax = Bound.highest();
        totalWonMax = Bound.highest();
    }

    /** An integer sum and how many values are in it: exact, whatever the order of the changes. */
    public static class Sum {
        public long total;
        public long count;

        public Sum() {}

        void add(long value) {
            total += value;
            count++;
        }

        void remove(long value) {
            total -= value;
            count--;
        }
    }

    /**
     * The lowest or highest value, in the order {@link Math#min} and {@link Math#max} fold by (-0.0
     * below 0.0, NaN wins), and how many customers hold it. With no holder left the value is only a
     * limit: every remaining value is strictly inside it.
     */
    public static class Bound {
        public boolean highest;
        public double value;
        public long holders;

        public Bound() {}

        static Bound lowest() {
            Bound b = new Bound();
            b.value = Double.POSITIVE_INFINITY;
            return b;
        }

        static Bound highest() {
            Bound b = new Bound();
            b.highest = true;
            b.value = Double.NEGATIVE_INFINITY;
            return b;
        }

        void add(double v) {
            int outward = outwardOf(v);
            if (outward > 0) {
                value = v;
                holders = 1;
            } else if (outward == 0) {
                holders++;
            }
        }

        void remove(double v) {
            if (outwardOf(v) == 0) {
                holders--;
            }
        }

        /** Positive when {@code v} lies beyond the value, 0 when it is the value, negative inside it. */
        private int outwardOf(double v) {
            if (Double.isNaN(v) || Double.isNaN(value)) {
                return Double.isNaN(v) ? (Double.isNaN(value) ? 0 : 1) : -1;
            }
            return highest ? Double.compare(v, value) : Double.compare(value, v);
        }
    }
}
