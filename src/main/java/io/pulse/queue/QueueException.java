package io.pulse.queue;

/** A queue request that cannot be done, with a message for the person who asked. */
public final class QueueException extends RuntimeException {
    /** Why: the CLI prints the message, the HTTP API maps the kind to 404, 409, 400, 403 or 429. */
    public enum Kind { NOT_FOUND, ILLEGAL_TRANSITION, BAD_INPUT, NOT_YOURS, CAPACITY }

    private final Kind kind;

    private QueueException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static QueueException notFound(long id) {
        return new QueueException(Kind.NOT_FOUND, "no action with id " + id);
    }

    public static QueueException noCustomer(String customerId) {
        return new QueueException(Kind.NOT_FOUND, "no customer '" + customerId + "' in the queue (no score history"
                + " and no actions)");
    }

    public static QueueException illegal(String message) {
        return new QueueException(Kind.ILLEGAL_TRANSITION, message);
    }

    public static QueueException badInput(String message) {
        return new QueueException(Kind.BAD_INPUT, message);
    }

    /** Someone else's claimed action, and the actor is no lead. */
    public static QueueException notYours(String message) {
        return new QueueException(Kind.NOT_YOURS, message);
    }

    /** The agent has taken on their weekly capacity. */
    public static QueueException capacity(String message) {
        return new QueueException(Kind.CAPACITY, message);
    }

    public Kind kind() {
        return kind;
    }
}
