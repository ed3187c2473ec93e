package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.admin.AdminApi.Reply;
import dev.trellis.coordinator.policy.Explanation;
import dev.trellis.coordinator.policy.PolicyException;
import dev.trellis.coordinator.store.StoredPolicy;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpStatusException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code policy}: the ACL policy. {@code PUT policy} and {@code POST policy/check} take the HuJSON
 * text itself as the body (as Tailscale's API does), not JSON around it; a policy that does not
 * parse or whose tests fail is refused with 400 and {@code line}/{@code column}, and the one in
 * force stays.
 *
 * <pre>
 * GET  policy                → {"policy": {version, text, author, created}}; 404 when none is set
 * PUT  policy       (HuJSON) → {"policy": …, "warnings": […]}
 * POST policy/check (HuJSON) → {"warnings": […]}
 * GET  policy/explain?src=S&amp;dst=D[&amp;port=P][&amp;proto=tcp|udp|icmp|N] → {"allowed", "matches", "reasons", "text"}
 * </pre>
 */
final class PolicyRoutes {
    private final Tailnet tailnet;

    PolicyRoutes(Tailnet tailnet) {
        this.tailnet = tailnet;
    }

    void register(AdminApi api) {
        api.add("GET", "policy", "policy", (ex, id) -> get());
        api.add("PUT", "policy", "policy", (ex, id) -> set(ex));
        api.add("POST", "policy/check", "policy", (ex, id) -> check(ex));
        api.add("GET", "policy/explain", "policy", (ex, id) -> explain(ex));
    }

    /** The policy as the API shows it. */
    record PolicyView(long version, String text, String author, String created) {
        static PolicyView of(StoredPolicy p) {
            return new PolicyView(p.version(), p.text(), p.author(), p.created().toString());
        }
    }

    private Reply get() throws AdminApiException {
        StoredPolicy p = tailnet.policy().orElseThrow(() -> AdminApiException.notFound(
                "no policy is set: every node may reach every other (set one with `trellis-coordinator policy set FILE`)"));
        return Reply.ok(Map.of("policy", PolicyView.of(p)));
    }

    private Reply set(HttpExchange ex) throws AdminApiException, IOException {
        String text = text(ex);
        Tailnet.PolicySaved saved;
        try {
            saved = tailnet.setPolicy(text, author(ex));
        } catch (PolicyException e) {
            throw refused(e);
        }
        return Reply.ok(Map.of("policy", PolicyView.of(saved.stored()), "warnings", saved.warnings()));
    }

    private Reply check(HttpExchange ex) throws AdminApiException, IOException {
        try {
            return Reply.ok(Map.of("warnings", Tailnet.checkPolicy(text(ex))));
        } catch (PolicyException e) {
            throw refused(e);
        }
    }

    private Reply explain(HttpExchange ex) throws AdminApiException {
        String src = ex.query("src").orElseThrow(() -> AdminApiException.badRequest("missing src"));
        String dst = ex.query("dst").orElseThrow(() -> AdminApiException.badRequest("missing dst"));
        OptionalInt port = number(ex.query("port").orElse(null), "port", 0, 65535);
        OptionalInt proto = protocol(ex.query("proto").orElse(null));
        Explanation e;
        try {
            e = tailnet.explain(src, dst, port, proto);
        } catch (PolicyException bad) {
            throw AdminApiException.badRequest(bad.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("allowed", e.allowed());
        body.put("matches", e.matches());
        body.put("reasons", e.reasons());
        body.put("text", e.toString());
        return Reply.ok(body);
    }

    /** The body as strict UTF-8 text, at most a policy's size. */
    private static String text(HttpExchange ex) throws AdminApiException, IOException {
        byte[] bytes;
        try {
            bytes = ex.body();
        } catch (HttpStatusException e) {
            throw e.status() == 413 ? AdminApiException.tooLarge(StoredPolicy.MAX_TEXT_BYTES)
                    : new AdminApiException(e.status(), "bad_request", e.getMessage());
        }
        if (bytes.length > StoredPolicy.MAX_TEXT_BYTES) {
            throw AdminApiException.tooLarge(StoredPolicy.MAX_TEXT_BYTES);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw AdminApiException.badRequest("the policy is not valid UTF-8");
        }
    }

    private static AdminApiException refused(PolicyException e) {
        return new AdminApiException(400, "bad_policy", e.getMessage());
    }

    private static OptionalInt number(String text, String what, int min, int max) throws AdminApiException {
        if (text == null || text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw AdminApiException.badRequest(what + " must be " + min + ".." + max + ", got " + n);
            }
            return OptionalInt.of(n);
        } catch (NumberFormatException e) {
            throw AdminApiException.badRequest(what + " must be a number, got '" + AdminInputs.printable(text) + "'");
        }
    }

    private static OptionalInt protocol(String text) throws AdminApiException {
        if (text == null || text.isEmpty()) {
            return OptionalInt.empty();
        }
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "tcp" -> OptionalInt.of(6);
            case "udp" -> OptionalInt.of(17);
            case "icmp" -> OptionalInt.of(1);
            case "ipv6-icmp", "icmpv6" -> OptionalInt.of(58);
            default -> number(text, "proto", 0, 255);
        };
    }

    /** Who saved a policy: the admin socket's peer user, or "api-key" over HTTP (never the key itself). */
    private static String author(HttpExchange ex) {
        return ex.peer().map(p -> "admin-socket:" + AdminInputs.printable(String.valueOf(p.user()))).orElse("api-key");
    }
}
