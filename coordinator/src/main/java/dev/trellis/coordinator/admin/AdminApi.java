package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.StoreConflictException;
import dev.trellis.coordinator.store.StoreException;
import dev.trellis.coordinator.store.StoreNotFoundException;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The admin API: JSON over HTTP under {@value #PREFIX}. Every request is first checked by an
 * {@link AdminAuth}; node changes go through the {@link Tailnet}, so connected nodes learn them
 * at once, and users and keys go to the store. Every answer is JSON: the resource, or
 * {@code {"error": "...", "code": "..."}} with 400 (bad input), 401/403 (credentials), 404
 * (unknown path or id), 405, 409 (conflict), 413 (body over {@value #MAX_BODY_BYTES} bytes) or 500.
 *
 * <pre>
 * GET    users                     POST users {"name", "displayName"?}        DELETE users/{id}
 * GET    preauthkeys[?user=NAME]   POST preauthkeys {"user", "reusable"?, "ephemeral"?,
 *                                       "expiration"? (RFC 3339; null = never; default 1 h), "tags"?}
 * POST   preauthkeys/{id}/expire
 * GET    nodes    GET nodes/{id}   DELETE nodes/{id}
 * POST   nodes/{id}/rename {"name"}
 * POST   nodes/{id}/expire {"at"? (RFC 3339; null = never; default now)}
 * POST   nodes/{id}/tags {"tags": [...]}
 * GET    apikeys                   POST apikeys {"expiration"? (default 90 d)}  DELETE apikeys/{id}
 * </pre>
 *
 * Creating a pre-auth key or an API key is the only time its secret is shown ({@code "key"}).
 */
public final class AdminApi implements Handler {
    public static final String PREFIX = "/api/v1/";
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.admin");
    private static final String JSON = "application/json";

    /** What a route does; {@code id} is the path's {@code {id}}, or 0 if it has none. */
    @FunctionalInterface
    interface Action {
        Reply run(HttpExchange ex, long id) throws AdminApiException, IOException;
    }

    /** A route's answer: a status, a JSON body (null for none) and extra headers. */
    record Reply(int status, Object body, Map<String, String> headers) {
        static Reply ok(Object body) {
            return new Reply(200, body, Map.of());
        }

        static Reply created(Object body) {
            return new Reply(201, body, Map.of());
        }

        static Reply noContent() {
            return new Reply(204, null, Map.of());
        }
    }

    private record Route(String method, List<String> pattern, String idName, Action action) {
        boolean matches(String[] segments) {
            if (segments.length != pattern.size()) {
                return false;
            }
            for (int i = 0; i < segments.length; i++) {
                String p = pattern.get(i);
                if (p.equals("{id}") ? segments[i].isEmpty() : !p.equals(segments[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private final AdminAuth auth;
    private final List<Route> routes = new ArrayList<>();

    public AdminApi(Tailnet tailnet, Clock clock, AdminAuth auth) {
        this.auth = Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tailnet, "tailnet");
        Objects.requireNonNull(clock, "clock");
        new UserRoutes(tailnet).register(this);
        new KeyRoutes(tailnet.store(), clock).withTagCheck(tailnet::checkTags).register(this);
        new NodeRoutes(tailnet, clock).register(this);
        new PolicyRoutes(tailnet).register(this);
    }

    /** {@code inner} behind {@code auth}, with the API's JSON errors: for other admin endpoints (metrics). */
    public static Handler guard(AdminAuth auth, Handler inner) {
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(inner, "inner");
        return ex -> {
            try {
                auth.check(ex);
            } catch (AdminApiException e) {
                send(ex, errorReply(e));
                return;
            }
            inner.handle(ex);
        };
    }

    /**
     * Adds a route; {@code pattern} is relative to the prefix, with {@code {id}} for a numeric id.
     *
     * @param idName what the id names, for error messages ("node")
     */
    void add(String method, String pattern, String idName, Action action) {
        routes.add(new Route(method, List.of(pattern.split("/")), idName, action));
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        Reply reply;
        try {
            auth.check(ex);
            reply = dispatch(ex);
        } catch (AdminApiException e) {
            reply = errorReply(e);
        } catch (StoreNotFoundException e) {
            reply = errorReply(new AdminApiException(404, "not_found", e.getMessage()));
        } catch (StoreConflictException e) {
            reply = errorReply(new AdminApiException(409, "conflict", e.getMessage()));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "admin " + ex.method() + " " + ex.path() + ": " + e.getMessage(), e);
            reply = errorReply(new AdminApiException(500, "store_error", "the database failed: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            reply = errorReply(AdminApiException.badRequest(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "admin " + ex.method() + " " + ex.path() + " failed", e);
            reply = errorReply(new AdminApiException(500, "internal", "internal error; the coordinator's log has"
                    + " the details"));
        }
        send(ex, reply);
    }

    private Reply dispatch(HttpExchange ex) throws AdminApiException, IOException {
        String path = ex.path();
        String method = ex.method().equals("HEAD") ? "GET" : ex.method();
        if (!path.startsWith(PREFIX)) {
            throw AdminApiException.notFound("no such API resource: " + AdminInputs.printable(path));
        }
        String[] segments = path.substring(PREFIX.length()).split("/", -1);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            if (r.matches(segments)) {
                allowed.add(r.method());
                if (r.method().equals(method)) {
                    int at = r.pattern().indexOf("{id}");
                    return r.action().run(ex, at < 0 ? 0 : parseId(segments[at], r.idName()));
                }
            }
        }
        if (allowed.isEmpty()) {
            throw AdminApiException.notFound("no such API resource: " + AdminInputs.printable(path));
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        Reply refused = errorReply(new AdminApiException(405, "method_not_allowed", ex.method()
                + " is not allowed here; use " + String.join(", ", allowed)));
        return new Reply(405, refused.body(), Map.of("Allow", String.join(", ", allowed)));
    }

    private static long parseId(String text, String what) throws AdminApiException {
        if (text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw AdminApiException.badRequest(what + " id must be a positive integer, got '"
                    + AdminInputs.printable(text) + "'");
        }
        long id = Long.parseLong(text);
        if (id <= 0) {
            throw AdminApiException.badRequest(what + " id must be a positive integer, got " + id);
        }
        return id;
    }

    private static Reply errorReply(AdminApiException e) {
        Map<String, String> headers = e.status() == 401
                ? Map.of("WWW-Authenticate", "Bearer realm=\"trellis-coordinator\"") : Map.of();
        return new Reply(e.status(), new ErrorBody(e.getMessage(), e.code()), headers);
    }

    /** The body of every error answer. */
    record ErrorBody(String error, String code) {}

    private static void send(HttpExchange ex, Reply reply) {
        // Answers may carry a key shown once; no cache should keep them.
        HttpResponse.Builder b = HttpResponse.builder(reply.status()).header("Cache-Control", "no-store");
        reply.headers().forEach(b::header);
        if (reply.body() != null) {
            b.body(JSON, AdminJson.write(reply.body()));
        }
        ex.respond(b.build());
    }
}
