package io.pulse.generate;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Intercom plans in rank order, with the seat and monthly-spend ranges the schema's magnitudes
 * give (spend ~$400 .. ~$8k a month; more than 500 seats only on Enterprise).
 */
enum Plan {
    STARTER("Starter", 5, 40, 400, 950),
    GROWTH("Growth", 25, 150, 950, 2_400),
    SCALE("Scale", 100, 500, 2_400, 4_900),
    ENTERPRISE("Enterprise", 300, 2_500, 4_900, 8_200);

    final String displayName;
    final String id;
    final String tag;
    final int minSeats;
    final int maxSeats;
    final double minSpend;
    final double maxSpend;

    Plan(String displayName, int minSeats, int maxSeats, double minSpend, double maxSpend) {
        this.displayName = displayName;
        this.tag = displayName.toLowerCase(Locale.ROOT);
        this.id = "plan_" + tag + "_2024";
        this.minSeats = minSeats;
        this.maxSeats = maxSeats;
        this.minSpend = minSpend;
        this.maxSpend = maxSpend;
    }

    int rank() {
        return ordinal();
    }

    Plan up() {
        return values()[Math.min(ordinal() + 1, values().length - 1)];
    }

    Plan down() {
        return values()[Math.max(ordinal() - 1, 0)];
    }

    int clampSeats(double seats) {
        return (int) Math.round(Draw.clamp(seats, minSeats, maxSeats));
    }

    /** Seats drawn within the plan, skewed to its lower end as real seat counts are. */
    int drawSeats(SplittableRandom r) {
        double position = StrictMath.pow(r.nextDouble(), 1.8);
        return clampSeats(minSeats + position * (maxSeats - minSeats));
    }

    /** Monthly spend: the plan's range interpolated by seats (square root: discounts at volume), +-6 %. */
    double spend(int seats, SplittableRandom r) {
        double position = StrictMath.sqrt((seats - minSeats) / (double) (maxSeats - minSeats));
        double spend = (minSpend + position * (maxSpend - minSpend)) * Draw.uniform(r, 0.94, 1.06);
        return Math.round(spend);
    }
}
