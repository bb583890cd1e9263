package io.pulse.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.StoryChart;
import io.pulse.queue.Actor;
import io.pulse.queue.Outcome;
import io.pulse.queue.QueueException;
import io.pulse.queue.QueueFilter;
import io.pulse.queue.QueueJson;
import io.pulse.queue.QueuedAction;
import io.pulse.queue.Status;
import io.pulse.server.ApiTokens.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * `pulse serve`: the queue over HTTP. A JSON API under {@code /api} (every request needs
 * {@code Authorization: Bearer TOKEN}; the API acts as the token's person) and, at {@code /}, the
 * page CSMs work the queue from (it calls the same API with the token the person types in).
 *
 * <p>Tokens carry roles ({@link Role}): the queue routes need a queue token (agent, lead or admin),
 * {@code POST /api/events} (see {@link EventIngest}) an ingest token. A lead's or admin's token acts
 * as a lead on the queue ({@link Actor}): it may release, finish, snooze or dismiss anyone's claimed
 * action; an agent's only their own (the queue enforces it).
 *
 * <p>Errors are JSON {@code {"error": "..."}}: 400 bad input, 401 no valid token, 403 a token
 * without the route's role or a colleague's claimed action, 404 unknown action or route, 409 a
 * transition the action's status does not allow, 413 a body over 8 MiB, 429 an agent who has taken
 * on their weekly capacity, 503 events that could not be published.
 *
 * <p>Leads (and admins) also assign actions, set the team's capacities ({@code PUT /api/team/NAME})
 * and see the overflow ({@code GET /api/overflow}); an agent's token gets 403 there.
 */
public final class QueueServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueServer.class);
    private static final String AGENT = "pulse.agent";
    private static final String ERROR = "pulse.error";
    private static final String ROLES = "pulse.roles";
    /** Whether the caller acts as a lead on the queue (a lead or admin token). */
    private static final String LEADS = "pulse.leads";

    private final Javalin app;

    private QueueServer(Javalin app) {
        this.app = app;
    }

    /** Starts serving {@code queue} on localhost's {@code port} (0: any free port). */
    public static QueueServer start(ActionQueue queue, ApiTokens tokens, int port) {
        return start(queue, tokens, "127.0.0.1", port, null);
    }

    /** Starts serving {@code queue} on {@code host:port}, taking no events. */
    public static QueueServer start(ActionQueue queue, ApiTokens tokens, String host, int port) {
        return start(queue, tokens, host, port, null);
    }

    /**
     * Starts serving {@code queue} on {@code host:port}, and {@code POST /api/events} into
     * {@code ingest} (null: no ingest; then no token may carry the ingest role).
     */
    public static QueueServer start(ActionQueue queue, ApiTokens tokens, String host, int port, EventIngest ingest) {
        return start(queue, tokens, host, port, ingest, null);
    }

    /**
     * As {@link #start(ActionQueue, ApiTokens, String, int, EventIngest)}, with the band thresholds
     * customers' stories are drawn against (null: not shaded).
     */
    public static QueueServer start(ActionQueue queue, ApiTokens tokens, String host, int port, EventIngest ingest,
                                    StoryChart.Bands bands) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no API tokens configured: nobody could use the API");
        }
        if (ingest == null && tokens.has(Role.INGEST)) {
            throw new IllegalArgumentException("ingest tokens configured but nowhere to publish events");
        }
        String page = resource("queue.html");
        Javalin app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(QueueJson.mapper(), false));
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = EventIngest.MAX_BODY_BYTES;
            config.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
            security(config, tokens);
            queueRoutes(config, queue);
            storyRoutes(config, queue, bands);
            // Without ingest no token has the role: the 403 of security() answers before this handler.
            config.routes.post("/api/events", ingest == null ? ctx -> {
                throw new IllegalStateException("no ingest configured");
            } : ingest::handle, Role.INGEST);
            errors(config);
        });
        app.start(host, port);
        return new QueueServer(app);
    }

    /** Every {@code /api} request needs a valid token (else 401), and a matched route one of its roles (else 403). */
    private static void security(JavalinConfig config, ApiTokens tokens) {
        config.routes.before("/api/*", ctx -> {
            String header = ctx.header("Authorization");
            Optional<ApiTokens.Caller> caller = header != null && header.startsWith("Bearer ")
                    ? tokens.authenticate(header.substring("Bearer ".length()).trim()) : Optional.empty();
            if (caller.isEmpty()) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new Unauthorized();
            }
            ctx.attribute(AGENT, caller.get().agent());
            ctx.attribute(ROLES, caller.get().roles());
            ctx.attribute(LEADS, caller.get().leads());
        });
        config.routes.beforeMatched("/api/*", ctx -> {
            Set<Role> held = ctx.attribute(ROLES);
            if (held == null || ctx.routeRoles().isEmpty() || ctx.routeRoles().stream().anyMatch(held::contains)) {
                return;
            }
            if (ctx.routeRoles().contains(Role.INGEST)) {
                throw new ForbiddenResponse(tokens.has(Role.INGEST)
                        ? "this token may not send events: POST /api/events needs an ingest token"
                        : "this server takes no events: start pulse serve with an ingest token"
                                + " (--ingest-token, --ingest-tokens-file or PULSE_INGEST_TOKENS)");
            }
            throw new ForbiddenResponse("this token may only send events (POST /api/events): the queue needs a"
                    + " queue token");
        });
    }

    private static void queueRoutes(JavalinConfig config, ActionQueue queue) {
        Api api = new Api(queue);
        config.routes.get("/api/actions", api::list, Role.queue());
        config.routes.get("/api/actions/{id}", ctx -> ctx.json(queue.show(id(ctx))), Role.queue());
        config.routes.post("/api/queue/next", api::next, Role.queue());
        for (String verb : List.of("claim", "release", "done", "dismiss", "snooze", "assign")) {
            config.routes.post("/api/actions/{id}/" + verb, ctx -> api.change(ctx, verb), Role.queue());
        }
        config.routes.get("/api/me", ctx -> ctx.json(queue.member(ctx.attribute(AGENT))), Role.queue());
        config.routes.get("/api/team", ctx -> ctx.json(Map.of("defaultCapacity", queue.defaultCapacity(),
                "members", queue.team())), Role.queue());
        config.routes.put("/api/team/{agent}", api::setMember, Role.queue());
        config.routes.get("/api/overflow", ctx -> {
            api.leadOnly(ctx, "see the overflow");
            ctx.json(queue.overflow(Api.limit(ctx.queryParam("limit"))));
        }, Role.queue());
    }

    /** A customer's story, as JSON and as its chart (SVG), for any queue token. */
    private static void storyRoutes(JavalinConfig config, ActionQueue queue, StoryChart.Bands bands) {
        config.routes.get("/api/customers/{id}/story",
                ctx -> ctx.json(new StoryChart.Story(queue.story(ctx.pathParam("id")), bands)), Role.queue());
        config.routes.get("/api/customers/{id}/chart", ctx -> ctx.contentType("image/svg+xml; charset=utf-8")
                .result(StoryChart.svg(queue.story(ctx.pathParam("id")), bands)), Role.queue());
    }

    private static void errors(JavalinConfig config) {
        config.routes.exception(Unauthorized.class, (e, ctx) -> error(ctx, HttpStatus.UNAUTHORIZED,
                "missing or invalid token: send Authorization: Bearer TOKEN"));
        config.routes.exception(QueueException.class, (e, ctx) -> error(ctx, switch (e.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ILLEGAL_TRANSITION -> HttpStatus.CONFLICT;
            case BAD_INPUT -> HttpStatus.BAD_REQUEST;
            case NOT_YOURS -> HttpStatus.FORBIDDEN;
            case CAPACITY -> HttpStatus.TOO_MANY_REQUESTS;
        }, e.getMessage()));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()),
                switch (e.getStatus()) {
                    case 404 -> "no such route: " + ctx.method() + " " + ctx.path(); // Javalin's "Endpoint ... not found"
                    case 413 -> "the body is over " + EventIngest.MAX_BODY_BYTES + " bytes (8 MiB): send smaller batches";
                    default -> e.getMessage();
                }));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error: see the server's log");
        });
        config.routes.error(404, "*", ctx -> {
            if (ctx.attribute(ERROR) == null) { // not an unknown action: an unknown route
                error(ctx, HttpStatus.NOT_FOUND, "no such route: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.attribute(ERROR, message);
        ctx.status(status).json(Map.of("error", message));
    }

    private static long id(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw QueueException.badInput("an action id is a number, not '" + text + "'");
        }
    }

    private static String resource(String name) {
        try (InputStream in = QueueServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }

    private static final class Unauthorized extends RuntimeException {
        Unauthorized() {
            super(null, null, false, false);
        }
    }

    /** The handlers: read and check the request, call the queue as the token's person. */
    private record Api(ActionQueue queue) {
        private static final Set<String> BODY_FIELDS = Set.of("note", "outcome", "until", "to");
        private static final Set<String> MEMBER_FIELDS = Set.of("email", "name", "capacity");

        void list(Context ctx) throws Exception {
            Set<Status> statuses = null;
            String status = ctx.queryParam("status");
            if (status != null && !status.isBlank()) {
                statuses = EnumSet.noneOf(Status.class);
                for (String s : status.split(",")) {
                    statuses.add(Status.parse(s));
                }
            }
            ctx.json(queue.list(new QueueFilter(statuses, blankToNull(ctx.queryParam("action")),
                    blankToNull(ctx.queryParam("tier")), blankToNull(ctx.queryParam("assignee")),
                    blankToNull(ctx.queryParam("customer")), limit(ctx.queryParam("limit")),
                    owner(ctx, blankToNull(ctx.queryParam("owner"))))));
        }

        /** {@code owner=me}: the caller's own book (their team e-mail); any other value is an e-mail. */
        private String owner(Context ctx, String owner) throws java.sql.SQLException {
            if (!"me".equals(owner)) {
                return owner;
            }
            String email = queue.member(ctx.attribute(AGENT)).email();
            if (email == null) {
                throw QueueException.badInput("owner=me: " + ctx.attribute(AGENT) + " has no e-mail on the team"
                        + " (a lead sets it: PUT /api/team/NAME)");
            }
            return email;
        }

        void next(Context ctx) throws Exception {
            Optional<QueuedAction> next = queue.next(ctx.attribute(AGENT));
            if (next.isPresent()) {
                ctx.json(next.get());
            } else {
                ctx.status(HttpStatus.NO_CONTENT);
            }
        }

        void change(Context ctx, String verb) throws Exception {
            long id = id(ctx);
            String agent = ctx.attribute(AGENT);
            Actor actor = new Actor(agent, Boolean.TRUE.equals(ctx.attribute(LEADS)));
            JsonNode body = body(ctx);
            String note = text(body, "note");
            QueuedAction changed = switch (verb) {
                case "claim" -> queue.claim(id, agent, note);
                case "release" -> queue.release(id, actor, note);
                case "done" -> queue.done(id, actor, Outcome.parse(required(body, "outcome")), note);
                case "dismiss" -> queue.dismiss(id, actor, note);
                case "snooze" -> queue.snooze(id, actor, queue.parseUntil(required(body, "until")), note);
                case "assign" -> queue.assign(id, actor, required(body, "to"), note);
                default -> throw new IllegalArgumentException(verb);
            };
            ctx.json(changed);
        }

        /** A lead sets a member's e-mail, name or weekly capacity ({@code *}: the team default). */
        void setMember(Context ctx) throws Exception {
            String agent = ctx.pathParam("agent");
            leadOnly(ctx, "change the team");
            JsonNode body = body(ctx, MEMBER_FIELDS);
            JsonNode capacity = body.get("capacity");
            if (capacity != null && !capacity.isNull() && !capacity.canConvertToInt()) {
                throw QueueException.badInput("'capacity' must be a whole number");
            }
            ctx.json(queue.setMember(agent, text(body, "email"), text(body, "name"),
                    capacity == null || capacity.isNull() ? null : capacity.intValue()));
        }

        void leadOnly(Context ctx, String what) {
            if (!Boolean.TRUE.equals(ctx.attribute(LEADS))) {
                throw QueueException.notYours("only a lead may " + what + ": this token is an agent's");
            }
        }

        private static JsonNode body(Context ctx) {
            return body(ctx, BODY_FIELDS);
        }

        private static JsonNode body(Context ctx, Set<String> fields) {
            String text = ctx.body();
            if (text.isBlank()) {
                return QueueJson.mapper().createObjectNode();
            }
            JsonNode body;
            try {
                body = QueueJson.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                throw QueueException.badInput("the body is not JSON: " + e.getOriginalMessage());
            }
            if (!body.isObject()) {
                throw QueueException.badInput("the body must be a JSON object");
            }
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    throw QueueException.badInput("unknown field '" + name + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
                }
            }
            return body;
        }

        private static String text(JsonNode body, String field) {
            JsonNode value = body.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw QueueException.badInput("'" + field + "' must be a string");
            }
            return value.asText();
        }

        private static String required(JsonNode body, String field) {
            String value = text(body, field);
            if (value == null || value.isBlank()) {
                throw QueueException.badInput("'" + field + "' is required");
            }
            return value;
        }

        static int limit(String text) {
            if (text == null || text.isBlank()) {
                return QueueFilter.DEFAULT_LIMIT;
            }
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw QueueException.badInput("limit must be a number, not '" + text + "'");
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
