package io.pulse.backtest;

/**
 * The CS team a backtest's weekly workload is measured against: how many CSMs, and how many
 * actions they can take on in a week together (null: not said). With a capacity, the work a week
 * cannot take on is carried to the next: what would have been left undone.
 */
public record Team(int size, Integer weeklyCapacity) {
    public Team {
        if (size < 1) {
            throw new IllegalArgumentException("the team size must be at least 1, got " + size);
        }
        if (weeklyCapacity != null && weeklyCapacity < 0) {
            throw new IllegalArgumentException("a weekly capacity cannot be negative: " + weeklyCapacity);
        }
    }

    /** A team of {@code size} without a known capacity. */
    public static Team of(int size) {
        return new Team(size, null);
    }
}
