package dev.trellis.coordinator.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpResponse;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A minimal OpenID provider for unit tests, on 127.0.0.1: discovery, JWKS, and a token endpoint
 * that checks client_secret_basic, the code's redirect URI and its PKCE verifier (S256), and
 * answers with an RS256-signed ID token. The authorization endpoint is played by
 * {@link #authorize}: it checks the request the coordinator redirected to and returns where the
 * provider would send the browser back. Tests can bend the ID token, rotate keys, or make the
 * token endpoint fail, to see the coordinator refuse.
 */
final class FakeOidcProvider implements AutoCloseable {
    static final String CLIENT_ID = "trellis-test";
    static final String CLIENT_SECRET = "s3cret-for-tests";

    /** Who logs in; null claims are left out of the ID token. */
    record Account(String sub, String email, Boolean emailVerified, String preferredUsername, String name) {}

    private record Grant(String redirectUri, String challenge, String nonce, Account account) {}

    final HttpServer server;
    final String issuer;
    final AtomicInteger jwksFetches = new AtomicInteger();
    final AtomicInteger tokenRequests = new AtomicInteger();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<RSAKey> published = new CopyOnWriteArrayList<>();
    private volatile RSAKey signing;
    /** Changes the ID token's claims before signing. */
    volatile UnaryOperator<JWTClaimsSet.Builder> tweak = UnaryOperator.identity();
    /** Signs with this key (unpublished) instead, when set. */
    volatile RSAKey forger;
    /** Answers the token request with this OAuth error, when set. */
    volatile String tokenError;
    /** Changes the discovery document, when set. */
    volatile UnaryOperator<Map<String, Object>> discoveryTweak = UnaryOperator.identity();

    private FakeOidcProvider() throws IOException {
        Router router = new Router()
                .route("GET", "/.well-known/openid-configuration", this::discovery)
                .route("GET", "/jwks", this::jwks)
                .route("POST", "/token", this::token);
        server = HttpServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, router,
                HttpLimits.defaults());
        issuer = "http://127.0.0.1:" + server.tcpAddress().getPort();
        rotateKey("k1");
    }

    static FakeOidcProvider start() throws IOException {
        return new FakeOidcProvider();
    }

    /** Signs with a new key from now on; the old one stays published. */
    void rotateKey(String kid) {
        try {
            signing = new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        published.add(signing);
    }

    /**
     * The provider's side of the authorization endpoint: checks the request's parameters as a
     * provider would, issues a code for {@code account}, and returns the callback URL.
     */
    URI authorize(URI request, Account account) {
        Map<String, String> q = query(request.getRawQuery());
        require(request.toString().startsWith(issuer + "/auth?"), "authorization endpoint", request.toString());
        require("code".equals(q.get("response_type")), "response_type", q.get("response_type"));
        require(CLIENT_ID.equals(q.get("client_id")), "client_id", q.get("client_id"));
        require("S256".equals(q.get("code_challenge_method")), "code_challenge_method", q.get("code_challenge_method"));
        require(q.get("code_challenge") != null && q.get("code_challenge").length() == 43, "code_challenge",
                q.get("code_challenge"));
        require(q.get("state") != null && q.get("nonce") != null, "state and nonce", q.toString());
        String code = Cookies.newValue();
        codes.put(code, new Grant(q.get("redirect_uri"), q.get("code_challenge"), q.get("nonce"), account));
        return URI.create(q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
    }

    private void discovery(HttpExchange exchange) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/auth");
        doc.put("token_endpoint", issuer + "/token");
        doc.put("jwks_uri", issuer + "/jwks");
        doc.put("response_types_supported", List.of("code"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        json(exchange, 200, discoveryTweak.apply(doc));
    }

    private void jwks(HttpExchange exchange) {
        jwksFetches.incrementAndGet();
        List<JWK> keys = new ArrayList<>(published);
        exchange.respond(HttpResponse.of(200, "application/json",
                new JWKSet(keys).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = query(new String(exchange.body(), StandardCharsets.UTF_8));
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(exchange.requestHeaders().first("Authorization").orElse(""))) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (tokenError != null) {
            json(exchange, 400, Map.of("error", tokenError, "error_description", "as the test asked"));
            return;
        }
        Grant grant = codes.remove(form.getOrDefault("code", ""));
        if (grant == null || !"authorization_code".equals(form.get("grant_type"))
                || !grant.redirectUri.equals(form.get("redirect_uri"))
                || !grant.challenge.equals(s256(form.getOrDefault("code_verifier", "")))) {
            json(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        Account a = grant.account;
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(a.sub()).audience(CLIENT_ID)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", grant.nonce);
        if (a.email() != null) {
            claims.claim("email", a.email());
        }
        if (a.emailVerified() != null) {
            claims.claim("email_verified", a.emailVerified());
        }
        if (a.preferredUsername() != null) {
            claims.claim("preferred_username", a.preferredUsername());
        }
        if (a.name() != null) {
            claims.claim("name", a.name());
        }
        RSAKey key = forger != null ? forger : signing;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                tweak.apply(claims).build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        json(exchange, 200, Map.of("access_token", "at-" + Cookies.newValue(), "token_type", "Bearer",
                "expires_in", 300, "id_token", jwt.serialize()));
    }

    static RSAKey newUnpublishedKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange exchange, int status, Map<String, ?> body) {
        exchange.respond(HttpResponse.builder(status).header("Cache-Control", "no-store")
                .body("application/json", JSONObjectUtils.toJSONString(new HashMap<>(body))
                        .getBytes(StandardCharsets.UTF_8)).build());
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(boolean ok, String what, String got) {
        if (!ok) {
            throw new AssertionError("bad authorization request: " + what + " = " + got);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
