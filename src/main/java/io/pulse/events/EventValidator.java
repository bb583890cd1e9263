package io.pulse.events;

import io.pulse.flink.SideOutputs;
import io.pulse.flink.PulseMetrics;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets through only events the pipeline can key and place in time; everything else goes to the
 * dead letters with the reason, so no input disappears silently.
 */
public class EventValidator extends ProcessFunction<CustomerEvent, CustomerEvent> {
    /** Accumulator: every event that reached the pipeline, valid or not. */
    public static final String EVENTS_IN = "events-in";
    /** Accumulator: wall-clock ms of the first event, so throughput can leave job start-up out. */
    public static final String FIRST_EVENT_AT = "first-event-wallclock-ms";

    private transient LongCounter eventsIn;
    private transient LongMinimum firstEventAt;
    private transient Counter eventsInMetric;
    private transient Counter deadLetters;

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
        if (problem == null) {
            out.collect(event);
        } else {
            deadLetters.inc();
            ctx.output(SideOutputs.DEAD_LETTERS, event.toDeadLetter(problem));
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
        return payload == null ? "missing " + e.type + " payload" : null;
    }
}
