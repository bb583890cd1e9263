package io.pulse.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A company's latent health (0..1) day by day, and the outcomes it leads to.
 *
 * <p>Outcomes are scheduled first, from rates that depend on the company's base health (about
 * 11 % churn, 10 % downgrades and 10 % upgrades a year over the population), and the health
 * path is then shaped around them, so that the signals precede the outcomes as they do in
 * life: health declines for 1.5-5 months before a churn and for 1-3 months before a downgrade
 * (then partly recovers), and rises before an upgrade. About 30 % of upgrades are troubled: health
 * dips right after them (the simulation adds a Bug/Outage surge), and half of those churn
 * 1.5-5 months later. Scares (declines that recover with no outcome) and recoveries of weak
 * companies keep the signals honest: not every decline ends in churn. Day-to-day noise is an
 * Ornstein-Uhlenbeck process around the path.
 */
final class HealthTrajectory {

    /** Days simulated before the history starts, so recency and trends are warm on day 0. */
    static final int WARMUP_DAYS = 120;
    static final int NONE = Integer.MAX_VALUE;

    /** A scheduled plan change. */
    record PlanChange(int day, boolean upgrade, boolean troubled) {}

    /** A piecewise-linear bump: 0 before start, ramps to depth by full, holds until hold, eases to depth * keep by end. */
    private record Episode(int start, int full, int hold, int end, double depth, double keep) {
        double effect(int day) {
            if (day <= start) {
                return 0;
            }
            if (day < full) {
                return depth * (day - start) / (full - start);
            }
            if (day < hold) {
                return depth;
            }
            if (day < end) {
                return depth * (1 - (1 - keep) * (day - hold) / (end - hold));
            }
            return depth * keep;
        }
    }

    final double base;
    final int churnDay;
    final List<PlanChange> planChanges;
    private final List<Episode> episodes = new ArrayList<>();
    private final SplittableRandom noiseRandom;
    private final double noiseSd;
    private double noise;

    HealthTrajectory(long seed, CompanyProfile profile, int days) {
        SplittableRandom r = Draw.stream(seed, profile.index, 1);
        base = profile.baseHealth;
        noiseRandom = Draw.stream(seed, profile.index, 2);
        noiseSd = profile.volatileHealth ? 0.03 : 0.012;
        noise = Draw.normal(noiseRandom, 0, noiseSd / StrictMath.sqrt(2 * 0.06));

        double churnRate = 0.065 + 1.2 * Math.max(0, 0.65 - base);
        double downgradeRate = 0.12 + 1.0 * Math.max(0, 0.70 - base);
        double upgradeRate = 0.065 + 0.45 * Math.max(0, base - 0.55);

        // Outcomes start once the history has begun and the customer has had time to settle in.
        int from = Math.max(0, profile.createdDay + 45);
        int churn = firstEvent(r, churnRate, from, days);
        planChanges = new ArrayList<>();
        int nextUp = firstEvent(r, upgradeRate, from, days);
        int nextDown = firstEvent(r, downgradeRate, from, days);
        int rank = profile.plan.rank();
        int lastChange = -1_000;
        while (Math.min(nextUp, nextDown) < Math.min(churn, days)) {
            boolean upgrade = nextUp < nextDown;
            int day = upgrade ? nextUp : nextDown;
            boolean possible = upgrade ? rank < 3 : rank > 0;
            if (possible && day - lastChange >= 90) {
                boolean troubled = upgrade && Draw.chance(r, 0.3);
                planChanges.add(new PlanChange(day, upgrade, troubled));
                rank += upgrade ? 1 : -1;
                lastChange = day;
                shapeAround(r, day, upgrade, troubled);
                if (troubled && Draw.chance(r, 0.5)) {
                    churn = Math.min(churn, day + Draw.between(r, 45, 150));
                }
            }
            if (upgrade) {
                nextUp = nextEvent(r, upgradeRate, day);
            } else {
                nextDown = nextEvent(r, downgradeRate, day);
            }
        }
        churnDay = churn < days ? churn : NONE;
        if (churnDay != NONE) {
            double target = Draw.uniform(r, 0.08, 0.2);
            episodes.add(new Episode(churnDay - Draw.between(r, 45, 150), churnDay, NONE, NONE,
                    -Math.max(0.15, base - target), 1));
        }
        for (int day = firstEvent(r, 0.2, from, days); day < days; day = nextEvent(r, 0.2, day)) {
            int full = day + Draw.between(r, 20, 45);
            int hold = full + Draw.between(r, 0, 20);
            episodes.add(new Episode(day, full, hold, hold + Draw.between(r, 20, 60), -Draw.uniform(r, 0.12, 0.28), 0));
        }
        if (base < 0.5 && Draw.chance(r, 0.35)) {
            int start = Draw.between(r, -60, days);
            episodes.add(new Episode(start, start + Draw.between(r, 60, 150), NONE, NONE, Draw.uniform(r, 0.12, 0.3), 1));
        }
    }

    /** Health on the next day; call once per day, in order, from {@code -WARMUP_DAYS}. */
    double next(int day) {
        noise = noise * (1 - 0.06) + noiseSd * Draw.gaussian(noiseRandom);
        double h = base + noise;
        for (Episode e : episodes) {
            h += e.effect(day);
        }
        return Draw.clamp(h, 0.02, 0.99);
    }

    /** The plan change on a day, or null. */
    PlanChange planChangeOn(int day) {
        for (PlanChange c : planChanges) {
            if (c.day() == day) {
                return c;
            }
        }
        return null;
    }

    /** Within 30 days before a downgrade: the month of rising escalation and volume. */
    boolean beforeDowngrade(int day) {
        for (PlanChange c : planChanges) {
            if (!c.upgrade() && day < c.day() && c.day() - day <= 30) {
                return true;
            }
        }
        return false;
    }

    /** Within 30 days before an upgrade (or on its day): the talk that leads to it. */
    boolean beforeUpgrade(int day) {
        for (PlanChange c : planChanges) {
            if (c.upgrade() && day <= c.day() && c.day() - day <= 30) {
                return true;
            }
        }
        return false;
    }

    /** Within 30 days after a troubled upgrade: the Bug/Outage surge. */
    boolean afterTroubledUpgrade(int day) {
        for (PlanChange c : planChanges) {
            if (c.troubled() && day > c.day() && day - c.day() <= 30) {
                return true;
            }
        }
        return false;
    }

    /** Within 60 days before the churn. */
    boolean beforeChurn(int day) {
        return churnDay != NONE && day < churnDay && churnDay - day <= 60;
    }

    private void shapeAround(SplittableRandom r, int day, boolean upgrade, boolean troubled) {
        if (upgrade) {
            episodes.add(new Episode(day - Draw.between(r, 30, 75), day, NONE, NONE, Draw.uniform(r, 0.04, 0.12), 1));
            if (troubled) {
                int full = day + Draw.between(r, 10, 25);
                episodes.add(new Episode(day + 2, full, day + 35, day + Draw.between(r, 60, 120),
                        -Draw.uniform(r, 0.2, 0.35), Draw.uniform(r, 0.1, 0.5)));
            }
        } else {
            int hold = day + Draw.between(r, 5, 20);
            episodes.add(new Episode(day - Draw.between(r, 30, 90), day, hold, hold + Draw.between(r, 40, 90),
                    -Draw.uniform(r, 0.15, 0.3), Draw.uniform(r, 0.2, 0.5)));
        }
    }

    /** Day of the event after the one on a day, in a Poisson process with a yearly rate (NONE at most). */
    private static int nextEvent(SplittableRandom r, double yearlyRate, int day) {
        return (int) Math.min(NONE, day + 1L + (long) Draw.exponential(r, 365 / yearlyRate));
    }

    /** Day of the first event of a Poisson process with a yearly rate from a day on, or NONE if past the end. */
    private static int firstEvent(SplittableRandom r, double yearlyRate, int from, int days) {
        double day = from + Draw.exponential(r, 365 / yearlyRate);
        return day >= days ? NONE : (int) day;
    }
}
