package io.pulse.features;

/** One customer's support and usage counts on one UTC day: a bucket of the rolling windows. */
public class DayActivity {
    public int conversations;
    public int bugOrOutage;
    public int escalation;
    public int botFirst;
    public double ratingSum;
    public int rated;
    public int usage;

    public DayActivity() {}
}
