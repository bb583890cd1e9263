package io.pulse.features;

/**
 * One row a customer's declared features can count: from which source, when (event time, epoch
 * ms), its source id (what makes a row sent twice the same row) and its values in the order of the
 * source's columns (String, Double, Boolean or null).
 */
public record Observation(String source, long time, String id, Object[] values) {
    public Object value(int column) {
        return values[column];
    }

    /** The same row: same source, time and id (a retried event, or a row shipped twice). */
    public boolean sameRowAs(Observation o) {
        return time == o.time && source.equals(o.source) && id.equals(o.id);
    }
}
