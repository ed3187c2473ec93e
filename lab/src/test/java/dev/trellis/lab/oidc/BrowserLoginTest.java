package dev.trellis.lab.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BrowserLogin} against a plain HTML login form like the coordinator's own (a JDK
 * HttpServer: GET /login shows it, POST /login checks it and redirects to /home with a session
 * cookie), and its failure modes: rejected credentials, a page with no way forward, a refused
 * connection. Tagged root with the other lab tests: it needs Debian's chromium installed.
 */
@Tag("root")
@Timeout(60)
class BrowserLoginTest {
  private static final String USER = "carol";
  private static final String PASSWORD = "pa$$ word & more";
  private static final ConcurrentLinkedQueue<String> submittedUsers = new ConcurrentLinkedQueue<>();
  private static HttpServer site;
  private static String base;

  @BeforeAll
  static void start() throws IOException {
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext("/login", BrowserLoginTest::login);
    site.createContext("/home", exchange -> {
      String cookie = exchange.getRequestHeaders().getFirst("Cookie");
      if (cookie == null || !cookie.contains("session=" + USER)) {
        redirect(exchange, "/login");
      } else {
        html(exchange, 200, "<h1>Welcome " + USER + "</h1>");
      }
    });
    site.createContext("/stuck", exchange -> html(exchange, 200, "<p>Nothing to do here</p>"));
    site.start();
    base = "http://127.0.0.1:" + site.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (site != null) {
      site.stop(0);
    }
  }

  private static void login(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("POST")) {
      Map<String, String> form = parseForm(new String(exchange.getRequestBody().readNBytes(4096), StandardCharsets.UTF_8));
      submittedUsers.add(form.getOrDefault("username", ""));
      if (USER.equals(form.get("username")) && PASSWORD.equals(form.get("password"))) {
        exchange.getResponseHeaders().add("Set-Cookie", "session=" + USER + "; Path=/; HttpOnly");
        redirect(exchange, "/home");
        return;
      }
      html(exchange, 200, "<p class=\"error\">Wrong username or password</p>" + FORM);
      return;
    }
    html(exchange, 200, FORM);
  }

  private static final String FORM = """
      <form method="post" action="/login">
        <label>Username <input type="text" name="username"></label>
        <label>Password <input type="password" name="password"></label>
        <input type="submit" value="Sign in">
      </form>""";

  @Test
  void fillsAndSubmitsAPlainLoginForm() {
    BrowserLogin.Result result = BrowserLogin.login(URI.create(base + "/home"), USER, PASSWORD,
        BrowserLogin.urlStartingWith(base + "/home"), Duration.ofSeconds(15), null);

    assertThat(result.finalUrl()).isEqualTo(URI.create(base + "/home"));
    assertThat(result.pageText()).contains("Welcome carol");
    assertThat(submittedUsers).contains(USER);
  }

  @Test
  void rejectedCredentialsFailAtOnceWithWhatThePageSays() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> BrowserLogin.login(URI.create(base + "/login"), USER, "wrong", base + "/home",
        Duration.ofSeconds(20), null))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("credentials rejected")
        .hasMessageContaining("Wrong username or password");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aPageWithNoWayForwardTimesOutOnTime() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> BrowserLogin.login(URI.create(base + "/stuck"), USER, PASSWORD, "/never",
        Duration.ofSeconds(3), null))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("timed out after 3000 ms at " + base + "/stuck")
        .hasMessageContaining("Nothing to do here");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(12));
  }

  @Test
  void aRefusedConnectionIsReportedAsSuch() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    assertThatThrownBy(() -> BrowserLogin.login(URI.create("http://127.0.0.1:" + closedPort + "/login"), USER, PASSWORD,
        "/home", Duration.ofSeconds(10), null))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("could not open")
        .hasMessageContaining("ERR_CONNECTION_REFUSED");
  }

  @Test
  void urlPatternsMatchLiterally() {
    assertThat(BrowserLogin.urlStartingWith("http://127.0.0.1:80/a?b=c"))
        .isEqualTo("^http:\\/\\/127\\.0\\.0\\.1:80\\/a\\?b=c");
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(303, -1);
    exchange.close();
  }

  private static void html(HttpExchange exchange, int status, String body) throws IOException {
    byte[] page = ("<!DOCTYPE html><html><head><title>Trellis</title></head><body>" + body + "</body></html>")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(status, page.length);
    try (var out = exchange.getResponseBody()) {
      out.write(page);
    }
  }

  private static Map<String, String> parseForm(String body) {
    return Stream.of(body.split("&")).filter(p -> p.contains("="))
        .collect(Collectors.toMap(
            p -> URLDecoder.decode(p.substring(0, p.indexOf('=')), StandardCharsets.UTF_8),
            p -> URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8),
            (a, b) -> b));
  }
}
