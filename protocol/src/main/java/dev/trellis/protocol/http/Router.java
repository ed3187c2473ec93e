package dev.trellis.protocol.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Dispatches on method and raw path: an exact route wins over a prefix route, and a longer prefix
 * over a shorter one. A path no route covers gets 404; a covered path with another method gets
 * 405 with {@code Allow}. HEAD falls back to the GET handler (the server drops the body). Set the
 * routes up before the server starts; the router is not safe to change while it serves.
 */
public final class Router implements Handler {
    private record Prefix(String method, String prefix, Handler handler) {}

    private final Map<String, Map<String, Handler>> exact = new HashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();

    /** Serves {@code method} requests for exactly {@code path}. */
    public Router route(String method, String path, Handler handler) {
        check(method, path, handler);
        Handler previous = exact.computeIfAbsent(path, p -> new HashMap<>()).putIfAbsent(method, handler);
        if (previous != null) {
            throw new IllegalArgumentException("route " + method + " " + path + " is already taken");
        }
        return this;
    }

    /** Serves {@code method} requests for every path starting with {@code pathPrefix}. */
    public Router prefix(String method, String pathPrefix, Handler handler) {
        check(method, pathPrefix, handler);
        if (prefixes.stream().anyMatch(p -> p.method.equals(method) && p.prefix.equals(pathPrefix))) {
            throw new IllegalArgumentException("prefix route " + method + " " + pathPrefix + " is already taken");
        }
        prefixes.add(new Prefix(method, pathPrefix, handler));
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.prefix.length()).reversed());
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.path();
        String method = exchange.method();
        TreeSet<String> allowed = new TreeSet<>();
        Handler chosen = pick(exact.getOrDefault(path, Map.of()), method, allowed);
        for (int i = 0; chosen == null && i < prefixes.size(); i++) {
            Prefix p = prefixes.get(i);
            if (path.startsWith(p.prefix)) {
                allowed.add(p.method);
                if (p.method.equals(method)) {
                    chosen = p.handler;
                }
            }
        }
        if (chosen == null && method.equals("HEAD")) {
            chosen = headFallback(path);
        }
        if (chosen != null) {
            chosen.handle(exchange);
        } else if (allowed.isEmpty()) {
            exchange.respond(HttpResponse.text(404, "no such resource: " + path + "\n"));
        } else {
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            exchange.respond(HttpResponse.builder(405).header("Allow", String.join(", ", allowed))
                    .body("text/plain; charset=utf-8", (method + " is not allowed here; use " + String.join(", ", allowed) + "\n")
                            .getBytes(StandardCharsets.UTF_8))
                    .build());
        }
    }

    private static Handler pick(Map<String, Handler> byMethod, String method, TreeSet<String> allowed) {
        allowed.addAll(byMethod.keySet());
        return byMethod.get(method);
    }

    private Handler headFallback(String path) {
        Handler get = exact.getOrDefault(path, Map.of()).get("GET");
        for (int i = 0; get == null && i < prefixes.size(); i++) {
            Prefix p = prefixes.get(i);
            if (p.method.equals("GET") && path.startsWith(p.prefix)) {
                get = p.handler;
            }
        }
        return get;
    }

    private static void check(String method, String path, Handler handler) {
        Syntax.requireToken(method, "method");
        Objects.requireNonNull(handler, "handler");
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/': " + path);
        }
    }
}
