package io.pulse.portfolio;

/** How concentrated Low-band health is in a cell of the portfolio view, from the highest grade down. */
public enum Grade {
    HIGH("High"), ELEVATED("Elevated"), WATCH("Watch"), STABLE("Stable");

    private final String label;

    Grade(String label) {
        this.label = label;
    }

    /** The word the spec and the reports use: High, Elevated, Watch, Stable. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
