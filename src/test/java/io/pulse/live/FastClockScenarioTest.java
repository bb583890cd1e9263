package io.pulse.live;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventValidator;
import io.pulse.features.Cadence;
import io.pulse.features.CustomerFeatureFunction;
import io.pulse.features.PeriodFeatures;
import io.pulse.flink.SideOutputs;
import io.pulse.model.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.pulse.testing.TestEvents.conversation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #24's fast clock, end to end through the live path on injected clocks: the parser (with
 * its tolerance), the watermarks, the validator and the features. An event stamped an hour ahead
 * of the wall clock is dead-lettered as ahead of the clock, and the on-time events after it, also
 * after a quiet period, are scored rather than dead-lettered as late.
 */
class FastClockScenarioTest {
    private static final long NOW = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
    private static final Duration LATENESS = Duration.ofMillis(200);

    private final LiveEventFormat format = new LiveEventFormat(64 * 1024, Duration.ofMinutes(5));
    private final ManualClock wall = LiveWatermarksTest.wallClockAt(NOW);
    private final ManualClock activity = new ManualClock();
    private final WatermarkGenerator<CustomerEvent> watermarks =
            LiveWatermarks.after(NOW - Duration.ofDays(1).toMillis(), LATENESS, Duration.ofSeconds(1), wall)
                    .createWatermarkGenerator(LiveWatermarksTest.activityClock(activity));
    private final LiveWatermarksTest.Recorder emitted = new LiveWatermarksTest.Recorder();
    private final List<DeadLetter> invalid = new ArrayList<>();
    private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, PeriodFeatures> features;

    @BeforeEach
    void setUp() throws Exception {
        features = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CustomerFeatureFunction(Cadence.every(Duration.ofSeconds(1))), e -> e.customerId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        features.close();
    }

    @Test
    void anEventAnHourAheadIsDeadLetteredAndTheOnTimeEventsAfterItAreScored() throws Exception {
        String hourAhead = line("fast.example", NOW + Duration.ofHours(1).toMillis());
        arrive(hourAhead);
        arrive(line("acme.example", NOW - 50));
        passes(Duration.ofSeconds(30)); // the stream goes quiet
        arrive(line("acme.example", NOW + 30_000 - 50));
        arrive(line("beta.example", NOW + 30_000 - 20));
        passes(Duration.ofSeconds(2));

        assertThat(invalid).singleElement().satisfies(d -> {
            assertThat(d.reason).startsWith("ahead of the clock");
            assertThat(d.raw).isEqualTo(hourAhead);
        });
        assertThat(lateLetters()).isEmpty();
        assertThat(scored()).containsExactly("acme.example", "acme.example", "beta.example");
    }

    @Test
    void anEventAheadWithinTheToleranceIsScoredWhenTheClockReachesItAndDelaysNoOtherEvent() throws Exception {
        arrive(line("fast.example", NOW + Duration.ofMinutes(4).toMillis()));
        arrive(line("acme.example", NOW - 50));
        passes(Duration.ofSeconds(30));
        arrive(line("beta.example", NOW + 30_000 - 50));
        passes(Duration.ofSeconds(2));
        assertThat(scored()).containsExactly("acme.example", "beta.example");

        passes(Duration.ofMinutes(4)); // the wall clock reaches the fast producer's time
        assertThat(invalid).isEmpty();
        assertThat(lateLetters()).isEmpty();
        assertThat(scored()).containsExactly("acme.example", "beta.example", "fast.example");
    }

    private static String line(String customer, long time) {
        return LiveEventFormat.toLine(conversation(customer, time, "Bug", false));
    }

    /** A line arrives now: parsed, watermarked, validated, then to the features (as in the job). */
    private void arrive(String line) throws Exception {
        CustomerEvent e = format.parse(line, wall.absoluteTimeMillis());
        watermarks.onEvent(e, e.eventTime, emitted);
        String problem = EventValidator.problem(e);
        if (problem != null) {
            invalid.add(e.toDeadLetter(problem));
        } else {
            features.processElement(new StreamRecord<>(e, e.eventTime));
        }
        forwardWatermarks();
    }

    /** Wall-clock time passes with no event, the source free to emit; watermarks every 100 ms. */
    private void passes(Duration quiet) throws Exception {
        for (long ms = 0; ms < quiet.toMillis(); ms += 100) {
            wall.advanceTime(Duration.ofMillis(100));
            activity.advanceTime(Duration.ofMillis(100));
            forwardWatermarks();
        }
    }

    private void forwardWatermarks() throws Exception {
        watermarks.onPeriodicEmit(emitted);
        for (long w : emitted.watermarks) {
            features.processWatermark(new Watermark(w));
        }
        emitted.watermarks.clear();
    }

    private List<DeadLetter> lateLetters() {
        List<DeadLetter> late = new ArrayList<>();
        var side = features.getSideOutput(SideOutputs.DEAD_LETTERS);
        if (side != null) {
            side.forEach(r -> late.add(r.getValue()));
        }
        return late;
    }

    private List<String> scored() {
        return features.extractOutputValues().stream().map(f -> f.customerId).toList();
    }
}
