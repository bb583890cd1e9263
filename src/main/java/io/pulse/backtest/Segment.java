package io.pulse.backtest;

import java.util.function.Predicate;

/**
 * A group of customers a metric is computed for: those with an action open, or in a value tier,
 * risk tier or health band. Generic over the names, so a new action in the rule pack is scored
 * without a change here.
 */
public record Segment(Kind kind, String name) implements Comparable<Segment> {
    public enum Kind {
        ACTION("action"), VALUE_TIER("value_tier"), RISK_TIER("risk_tier"), HEALTH_BAND("health_band");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    Predicate<Timeline.State> holds() {
        return switch (kind) {
            case ACTION -> s -> s.open().contains(name);
            case VALUE_TIER -> s -> name.equals(s.valueTier());
            case RISK_TIER -> s -> name.equals(s.riskTier());
            case HEALTH_BAND -> s -> name.equals(s.healthBand());
        };
    }

    /** The segment's name for a state, or null if the state has none of this kind (actions have several). */
    static String nameOf(Kind kind, Timeline.State s) {
        return switch (kind) {
            case VALUE_TIER -> s.valueTier();
            case RISK_TIER -> s.riskTier();
            case HEALTH_BAND -> s.healthBand();
            case ACTION -> throw new IllegalArgumentException("a state has a set of actions");
        };
    }

    @Override
    public int compareTo(Segment o) {
        int k = kind.compareTo(o.kind);
        return k != 0 ? k : name.compareTo(o.name);
    }
}
