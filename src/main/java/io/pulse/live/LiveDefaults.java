package io.pulse.live;

/**
 * {@code pulse live}'s defaults for how soon a live event is scored and written, as ISO-8601
 * durations (the command line's defaults; the latency benchmark runs with them too). See README,
 * "Live mode: latency", for what each one costs.
 */
public final class LiveDefaults {
    /** How late an event may arrive after a later one before it is dead-lettered. */
    public static final String LATENESS = "PT0.2S";
    /**
     * How far behind event time a late event may arrive and still correct its customer's features:
     * sized for CRM syncs (every 15-60 minutes) and hourly or daily exports.
     */
    public static final String CORRECTION_HORIZON = "P2D";
    /** The evaluation period after the history's end. */
    public static final String LIVE_CADENCE = "PT0.1S";
    /** How often the live source emits a watermark (Flink's default is 200 ms). */
    public static final String WATERMARK_INTERVAL = "PT0.02S";
    /** The longest a record waits in a network buffer between tasks (Flink's default is 100 ms). */
    public static final String BUFFER_TIMEOUT = "PT0.01S";
    /** The longest a row waits in the JDBC sinks' batch before it is written. */
    public static final String SINK_FLUSH_INTERVAL = "PT0.02S";
    /**
     * How far ahead of the wall clock an event may be stamped; further ahead it is dead-lettered as
     * "ahead of the clock" (a producer's clock that runs fast).
     */
    public static final String MAX_CLOCK_AHEAD = "PT5M";
    /** Rows per JDBC batch (one transaction). */
    public static final String SINK_BATCH_SIZE = "2000";

    private LiveDefaults() {}
}
