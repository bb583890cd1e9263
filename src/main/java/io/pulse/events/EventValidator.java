package io.pulse.events;

import io.pulse.flink.SideOutputs;
import io.pulse.flink.PulseMetrics;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lets through only events the pipeline can key and place in time; everything else goes to the
 * dead letters with the reason, so no input disappears silently. A row of a declared table leaves
 * in its table's columns and types ({@link DeclaredTable#typed}); a row of a table the rule pack
 * does not declare, or with a value not of its column's type, is a dead letter.
 */
public class EventValidator extends ProcessFunction<CustomerEvent, CustomerEvent> {
    /** Accumulator: every event that reached the pipeline, valid or not. */
    public static final String EVENTS_IN = "events-in";
    /** Accumulator: wall-clock ms of the first event, so throughput can leave job start-up out. */
    public static final String FIRST_EVENT_AT = "first-event-wallclock-ms";

    /** The declared tables by name. */
    private final Map<String, DeclaredTable> tables;

    private transient LongCounter eventsIn;
    private transient LongMinimum firstEventAt;
    private transient Counter eventsInMetric;
    private transient Counter deadLetters;

    /** A validator for a rule pack that declares no table. */
    public EventValidator() {
        this(List.of());
    }

    public EventValidator(List<DeclaredTable> tables) {
        this.tables = new TreeMap<>();
        tables.forEach(t -> this.tables.put(t.name(), t));
    }

    @Override
    public void open(OpenContext openContext) {
        eventsIn = new LongCounter();
        firstEventAt = new LongMinimum();
        getRuntimeContext().addAccumulator(EVENTS_IN, eventsIn);
        getRuntimeContext().addAccumulator(FIRST_EVENT_AT, firstEventAt);
        eventsInMetric = PulseMetrics.of(getRuntimeContext()).counter(PulseMetrics.EVENTS_IN);
        deadLetters = PulseMetrics.of(getRuntimeContext()).counter(PulseMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<CustomerEvent> out) {
        if (eventsIn.getLocalValuePrimitive() == 0) {
            firstEventAt.add(System.currentTimeMillis());
        }
        eventsIn.add(1);
        eventsInMetric.inc();
        String problem = problem(event);
        if (problem == null && event.type == EventType.ROW) {
            problem = typeRow(event);
        }
        if (problem == null) {
            out.collect(event);
        } else {
            deadLetters.inc();
            ctx.output(SideOutputs.DEAD_LETTERS, event.toDeadLetter(problem));
        }
    }

    /** Puts a row in its declared table's columns and types; why it cannot be, or null. */
    private String typeRow(CustomerEvent event) {
        DeclaredTable table = tables.get(event.row.table);
        if (table == null) {
            return "a row of table \"" + event.row.table + "\", which the rule pack does not declare (declared in "
                    + "features.yaml: " + (tables.isEmpty() ? "none" : String.join(", ", tables.keySet())) + ")";
        }
        try {
            event.row = table.typed(event.row);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Why the event cannot be processed, or null when it can. */
    public static String problem(CustomerEvent e) {
        if (e.unreadableBecause != null) {
            return e.unreadableBecause;
        }
        if (e.type == null) {
            return "missing event type";
        }
        if (e.customerId == null || e.customerId.isBlank()) {
            return "no customer matches the row (company name, company id or email domain unknown)";
        }
        if (e.eventTime == Long.MIN_VALUE) {
            return "missing or unreadable event time";
        }
        Object payload = e.payload();
        if (payload == null) {
            return "missing " + e.type + " payload";
        }
        if (e.row != null && (e.row.table == null || e.row.columns == null || e.row.values == null
                || e.row.kinds == null || e.row.columns.length != e.row.values.length
                || e.row.kinds.length() != e.row.values.length)) {
            return "a ROW payload needs its table and its columns";
        }
        return null;
    }
}
