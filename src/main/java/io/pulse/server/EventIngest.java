package io.pulse.server;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.pulse.events.CustomerEvent;
import io.pulse.live.EventPublisher;
import io.pulse.live.LiveEventFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/events}: live events over HTTP, for webhooks. The body is JSON lines in UTF-8,
 * one event per line (one event is a batch of one line), at most {@link #MAX_BODY_BYTES}. Lines are
 * split as the directory source splits them (LF, CRLF or CR); blank lines are skipped but counted.
 *
 * <p>Every line is checked with the live job's own {@link LiveEventFormat}, with its line-size and
 * clock limits. <b>All or nothing</b>: if any line is no event, the answer is 400 with each bad
 * line's number and reason and nothing is published; otherwise the lines are published exactly as
 * they came, as one batch, and the 202 goes out only after {@link EventPublisher#publish} returned,
 * so an accepted event is durable. Safe under concurrent requests: each batch is published on its
 * own (a file of its own, or its own Kafka records).
 */
public final class EventIngest implements AutoCloseable {
    /** The largest body taken (8 MiB); a larger one gets 413. */
    public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    /** Bad lines listed in a 400 at most (the count covers them all). */
    static final int MAX_ERRORS_LISTED = 100;
    /** Requests that read and check a body at once: bounds the memory bodies take; the others wait. */
    private static final int MAX_IN_FLIGHT = 16;
    private static final Logger LOG = LoggerFactory.getLogger(EventIngest.class);

    private final EventPublisher publisher;
    private final LiveEventFormat format;
    private final Clock clock;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    /** Checks lines with {@code format} (the live job's limits) and publishes good batches to {@code publisher}. */
    public EventIngest(EventPublisher publisher, LiveEventFormat format, Clock clock) {
        this.publisher = publisher;
        this.format = format;
        this.clock = clock;
    }

    /** 202 {@code {"accepted": n, "rejected": 0}} once published. */
    record Accepted(int accepted, int rejected) {}

    /** One bad line: its number in the body (from 1) and why it is no event. */
    record LineError(int line, String error) {}

    /** 400: nothing published. */
    record Rejected(String error, int accepted, int rejected, List<LineError> errors) {}

    /** The lines of a body: the events to publish, or the bad lines (counted; the first ones listed). */
    private record Batch(List<EventPublisher.Line> events, int rejected, List<LineError> errors) {}

    void handle(Context ctx) throws InterruptedException {
        inFlight.acquire();
        try {
            Batch batch = check(utf8(ctx.bodyAsBytes()), clock.millis());
            if (batch.rejected() > 0) {
                String message = batch.rejected() + " of " + (batch.rejected() + batch.events().size())
                        + " lines are not valid events: nothing was published";
                ctx.status(HttpStatus.BAD_REQUEST).json(new Rejected(message, 0, batch.rejected(), batch.errors()));
                return;
            }
            if (batch.events().isEmpty()) {
                throw new BadRequestResponse("no events: the body has no line that is not blank");
            }
            publish(batch.events());
            ctx.status(HttpStatus.ACCEPTED).json(new Accepted(batch.events().size(), 0));
        } finally {
            inFlight.release();
        }
    }

    private Batch check(String body, long nowMs) {
        List<EventPublisher.Line> events = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        int rejected = 0;
        int number = 0;
        for (Iterator<String> lines = body.lines().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            number++;
            if (line.isBlank()) {
                continue;
            }
            CustomerEvent e = format.parse(line, nowMs);
            if (e.unreadableBecause != null) {
                rejected++;
                if (errors.size() < MAX_ERRORS_LISTED) {
                    errors.add(new LineError(number, e.unreadableBecause));
                }
            } else {
                events.add(new EventPublisher.Line(e.customerId, line));
            }
        }
        return new Batch(events, rejected, errors);
    }

    private void publish(List<EventPublisher.Line> events) {
        try {
            publisher.publish(events);
        } catch (IOException e) {
            LOG.error("Cannot publish {} events to {}", events.size(), publisher, e);
            throw new HttpResponseException(HttpStatus.SERVICE_UNAVAILABLE.getCode(), "cannot publish the events: "
                    + e.getMessage() + "; the batch was not accepted: send it again later");
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestResponse("the body is not UTF-8 text");
        }
    }

    /** Closes the publisher (once the server has stopped). */
    @Override
    public void close() throws IOException {
        publisher.close();
    }

    @Override
    public String toString() {
        return publisher.toString();
    }
}
