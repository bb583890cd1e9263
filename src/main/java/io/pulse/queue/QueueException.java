package io.pulse.queue;

/** A queue request that cannot be done, with a message for the person who asked. */
public final class QueueException extends RuntimeException {
    /** Why: the CLI prints the message, the HTTP API maps the kind to 404, 409 or 400. */
    public enum Kind { NOT_FOUND, ILLEGAL_TRANSITION, BAD_INPUT }

    private final Kind kind;

    private QueueException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static QueueException notFound(long id) {
        return new QueueException(Kind.NOT_FOUND, "no action with id " + id);
    }

    public static QueueException illegal(String message) {
        return new QueueException(Kind.ILLEGAL_TRANSITION, message);
    }

    public static QueueException badInput(String message) {
        return new QueueException(Kind.BAD_INPUT, message);
    }

    public Kind kind() {
        return kind;
    }
}
