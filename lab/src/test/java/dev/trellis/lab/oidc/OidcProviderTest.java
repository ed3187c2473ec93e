package dev.trellis.lab.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the fixtures against each other: the real provider's discovery document, a full
 * authorization code + PKCE flow whose login runs in headless Chromium and whose code is
 * exchanged here, and a wrong password that never reaches the redirect. The redirect target is a
 * JDK HttpServer standing in for the coordinator's callback.
 */
@Tag("root")
@Timeout(90)
class OidcProviderTest {
  private static final String CLIENT_ID = "trellis-coordinator";
  private static final String CLIENT_SECRET = random(24);
  private static final Map<String, String> USERS = Map.of("alice", "correct horse battery", "bob", "hunter2 but longer");
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(20);

  private static HttpServer callback;
  private static final ConcurrentLinkedQueue<String> callbackQueries = new ConcurrentLinkedQueue<>();
  private static String redirectUri;
  private static OidcProvider provider;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws IOException {
    callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    callback.createContext("/callback", exchange -> {
      callbackQueries.add(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
      byte[] page = "<!DOCTYPE html><html><body><h1>signed in</h1></body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      try (var body = exchange.getResponseBody()) {
        body.write(page);
      }
    });
    callback.start();
    redirectUri = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
    provider = OidcProvider.start(CLIENT_ID, CLIENT_SECRET, List.of(redirectUri), USERS);
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
      assertThat(provider.isAlive()).as("provider stopped").isFalse();
    }
    if (callback != null) {
      callback.stop(0);
    }
  }

  @Test
  void discoveryDocumentAdvertisesTheCodeFlowWithS256() throws Exception {
    String discovery = get(provider.discoveryUri());

    assertThat(stringField(discovery, "issuer")).contains(provider.issuer().toString());
    assertThat(stringField(discovery, "authorization_endpoint")).contains(provider.issuer() + "/auth");
    assertThat(stringField(discovery, "token_endpoint")).contains(provider.issuer() + "/token");
    assertThat(stringField(discovery, "jwks_uri")).contains(provider.issuer() + "/jwks");
    assertThat(arrayField(discovery, "code_challenge_methods_supported")).contains("S256");
    assertThat(arrayField(discovery, "token_endpoint_auth_methods_supported"))
        .contains("client_secret_basic", "client_secret_post");
    assertThat(arrayField(discovery, "scopes_supported")).contains("openid", "profile", "email");
    assertThat(get(URI.create(stringField(discovery, "jwks_uri").orElseThrow()))).contains("\"kty\":\"RSA\"");
  }

  @Test
  void codeFlowWithPkceSignsAliceInAndTheCodeBuysHerIdToken() throws Exception {
    Flow flow = Flow.begin();
    BrowserLogin.Result result = BrowserLogin.login(flow.authorizationUri(), "alice", USERS.get("alice"),
        BrowserLogin.urlStartingWith(redirectUri + "?"), LOGIN_TIMEOUT, screenshot("alice"));

    assertThat(result.pageText()).contains("signed in");
    assertThat(result.queryParameter("state")).contains(flow.state());
    assertThat(result.queryParameter("iss")).contains(provider.issuer().toString());
    String code = result.queryParameter("code").orElseThrow();
    assertThat(callbackQueries).anySatisfy(q -> assertThat(q).contains("code=" + code));

    HttpResponse<String> tokens = http.send(tokenRequest(flow, code, true), HttpResponse.BodyHandlers.ofString());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    String claims = jwtPayload(stringField(tokens.body(), "id_token").orElseThrow());
    assertThat(stringField(claims, "sub")).contains("alice");
    assertThat(stringField(claims, "email")).contains(OidcProvider.emailOf("alice")).contains("alice@example.test");
    assertThat(claims).contains("\"email_verified\":true");
    assertThat(stringField(claims, "preferred_username")).contains("alice");
    assertThat(stringField(claims, "iss")).contains(provider.issuer().toString());
    assertThat(stringField(claims, "aud")).contains(CLIENT_ID);
    assertThat(stringField(claims, "nonce")).contains(flow.nonce());

    HttpResponse<String> replay = http.send(tokenRequest(flow, code, true), HttpResponse.BodyHandlers.ofString());
    assertThat(replay.statusCode()).as("a code buys tokens once").isEqualTo(400);
    assertThat(stringField(replay.body(), "error")).contains("invalid_grant");
  }

  @Test
  void tokenEndpointTakesTheSecretInTheFormBodyToo() throws Exception {
    Flow flow = Flow.begin();
    BrowserLogin.Result result = BrowserLogin.login(flow.authorizationUri(), "bob", USERS.get("bob"),
        BrowserLogin.urlStartingWith(redirectUri + "?"), LOGIN_TIMEOUT, screenshot("bob"));
    String code = result.queryParameter("code").orElseThrow();

    Flow wrongVerifier = new Flow(flow.state(), flow.nonce(), random(32));
    HttpResponse<String> refused = http.send(tokenRequest(wrongVerifier, code, false), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as("PKCE verifier checked").isEqualTo(400);
    assertThat(stringField(refused.body(), "error")).contains("invalid_grant");

    HttpResponse<String> tokens = http.send(tokenRequest(flow, code, false), HttpResponse.BodyHandlers.ofString());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    String claims = jwtPayload(stringField(tokens.body(), "id_token").orElseThrow());
    assertThat(stringField(claims, "sub")).contains("bob");
    assertThat(stringField(claims, "email")).contains("bob@example.test");
  }

  @Test
  void wrongPasswordNeverReachesTheRedirect() {
    Flow flow = Flow.begin();
    long started = System.nanoTime();

    assertThatThrownBy(() -> BrowserLogin.login(flow.authorizationUri(), "alice", "not her password",
        BrowserLogin.urlStartingWith(redirectUri + "?"), LOGIN_TIMEOUT, screenshot("wrong-password")))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("credentials rejected")
        .hasMessageContaining("Invalid username or password")
        .hasMessageNotContaining("not her password");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LOGIN_TIMEOUT);
    assertThat(callbackQueries).noneSatisfy(q -> assertThat(q).contains("state=" + flow.state()));
  }

  /** One authorization request: its state, nonce and PKCE verifier. */
  private record Flow(String state, String nonce, String verifier) {
    static Flow begin() {
      return new Flow(random(16), random(16), random(32));
    }

    URI authorizationUri() {
      return URI.create(provider.issuer() + "/auth?" + form(Map.of(
          "client_id", CLIENT_ID, "response_type", "code", "scope", "openid profile email",
          "redirect_uri", redirectUri, "state", state, "nonce", nonce,
          "code_challenge", challenge(), "code_challenge_method", "S256")));
    }

    String challenge() {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static HttpRequest tokenRequest(Flow flow, String code, boolean basicAuth) {
    Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("grant_type", "authorization_code",
        "code", code, "redirect_uri", redirectUri, "code_verifier", flow.verifier()));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.issuer() + "/token"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (basicAuth) {
      // RFC 6749 §2.3.1: id and secret are form-encoded before being joined.
      String credentials = urlEncode(CLIENT_ID) + ":" + urlEncode(CLIENT_SECRET);
      request.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    } else {
      params.put("client_id", CLIENT_ID);
      params.put("client_secret", CLIENT_SECRET);
    }
    return request.POST(HttpRequest.BodyPublishers.ofString(form(params))).build();
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + uri).isEqualTo(200);
    return response.body();
  }

  private static String jwtPayload(String jwt) {
    String[] parts = jwt.split("\\.");
    assertThat(parts).as("JWS compact serialization").hasSize(3);
    return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
  }

  // The provider's JSON is compact and flat where these look; enough for assertions.
  private static Optional<String> stringField(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    return m.find() ? Optional.of(m.group(1).replace("\\/", "/")) : Optional.empty();
  }

  private static List<String> arrayField(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\\[([^\\]]*)]").matcher(json);
    if (!m.find()) {
      return List.of();
    }
    return Pattern.compile("\"([^\"]*)\"").matcher(m.group(1)).results().map(r -> r.group(1)).toList();
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream().map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Path screenshot(String name) {
    return Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs"), "oidc", "OidcProviderTest-" + name + ".png");
  }
}
