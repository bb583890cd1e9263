package io.pulse.features;

import java.util.ArrayList;
import java.util.List;

/** One customer's support and usage on one UTC day: a bucket of the rolling windows. */
public class DayActivity {
    public int conversations;
    public int bugOrOutage;
    /** Conversations with downgrade-risk language. */
    public int escalation;
    /** Conversations with upgrade drivers. */
    public int upgradeDrivers;
    public int botFirst;
    public double ratingSum;
    public int rated;
    public int usage;
    /** Event times (epoch ms) of the day's first and last product usage; 0 when none. */
    public long firstUsageAt;
    public long lastUsageAt;
    /** Event time of the day's last conversation close; 0 when none. */
    public long lastCloseAt;
    /** Creation times of the day's conversations, for the 72-hour usage conversion. */
    public List<Long> conversationTimes = new ArrayList<>();
    /** Minutes to first response of the day's conversations that have one. */
    public List<Double> firstResponseMinutes = new ArrayList<>();

    public DayActivity() {}
}
