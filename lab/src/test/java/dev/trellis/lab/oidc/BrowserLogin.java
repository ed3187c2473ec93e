package dev.trellis.lab.oidc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Logs in through web pages in Debian's headless Chromium (lab/oidc/login.mjs): opens a URL, and
 * until the page's URL matches a pattern, fills and submits any visible password form (the
 * username goes into the field named username, login or email, else the first text field) and
 * clicks any Authorize/Allow/Approve/Accept/Consent/Continue/Yes button, following redirects. So
 * it serves the OIDC provider's pages and the coordinator's own login form alike.
 *
 * <p>A password form that comes back at the same address after being submitted means the
 * credentials were rejected: that fails at once, with what the page says, rather than at the
 * timeout. Each call gets a fresh browser profile (no cookies from earlier calls).
 */
public final class BrowserLogin {
  /** Where Chromium is looked for unless the environment variable CHROMIUM names another binary. */
  public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration STARTUP_ALLOWANCE = Duration.ofSeconds(15);
  private static final int MAX_OUTPUT = 64 * 1024;

  /** The page the login ended on: its URL (which matched the pattern) and its visible text (≤ 2000 chars). */
  public record Result(URI finalUrl, String pageText, Duration elapsed) {
    /** A query parameter of the final URL, decoded (e.g. the authorization {@code code}). */
    public Optional<String> queryParameter(String name) {
      String query = finalUrl.getRawQuery();
      if (query == null) {
        return Optional.empty();
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        if (key.equals(name)) {
          return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return Optional.empty();
    }
  }

  private BrowserLogin() {}

  /**
   * Runs the login. {@code untilRegex} is a JavaScript regular expression searched in the page's
   * URL. Throws {@link BrowserLoginException} when the login does not get there within
   * {@code timeout} (credentials rejected, a page failed to load, no way forward) and
   * {@link OidcLabException} when Chromium or Node.js is missing. {@code screenshotOnFailure}
   * (nullable) receives a PNG of the page the login was stuck on.
   */
  public static Result login(URI url, String user, String password, String untilRegex, Duration timeout,
      Path screenshotOnFailure) {
    return login(url, user, password, untilRegex, timeout, screenshotOnFailure, null);
  }

  /**
   * {@link #login(URI, String, String, String, Duration, Path)} with the browser in network
   * namespace {@code netns} ({@code ip netns exec}; null: this process's), e.g. beside an
   * {@link OidcProvider} started there, whose 127.0.0.1 is that namespace's loopback.
   */
  public static Result login(URI url, String user, String password, String untilRegex, Duration timeout,
      Path screenshotOnFailure, String netns) {
    if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException("user and password must not be empty");
    }
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("timeout must be from 1 s to 10 min: " + timeout);
    }
    try {
      Pattern.compile(untilRegex); // close enough to JavaScript's syntax to catch typos early
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("untilRegex is not a regular expression: " + e.getMessage(), e);
    }
    Path chromium = chromium();
    NodeScripts.ensureInstalled();
    Path log = NodeScripts.newLog("browser-login");
    List<String> command = new ArrayList<>(NodeScripts.inNetns(netns));
    command.addAll(List.of(NodeScripts.node().toString(), "login.mjs",
        "--url", url.toString(), "--username", user, "--until", untilRegex,
        "--timeout-ms", Long.toString(timeout.toMillis())));
    if (screenshotOnFailure != null) {
      command.addAll(List.of("--screenshot", screenshotOnFailure.toAbsolutePath().toString()));
      createParent(screenshotOnFailure);
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(NodeScripts.dir().toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // Not on the command line, where ps shows it; base64 because the JVM encodes environment
    // values in the locale's charset, which under LANG=C (as in CI) turns "ö" into "?".
    builder.environment().put("LOGIN_PASSWORD_B64",
        java.util.Base64.getEncoder().encodeToString(password.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    builder.environment().put("CHROMIUM", chromium.toString());
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new OidcLabException("cannot start `node login.mjs`: " + e.getMessage(), e);
    }
    CompletableFuture<String> stdout = drain(process.getInputStream());
    String out;
    int exit;
    try {
      // login.mjs bounds itself by the timeout (plus a watchdog); the allowance covers Node and
      // Chromium starting and shutting down. Past it, the whole tree is killed.
      if (!process.waitFor(timeout.plus(STARTUP_ALLOWANCE).toMillis(), TimeUnit.MILLISECONDS)) {
        NodeScripts.killTree(process, Duration.ZERO);
        throw new BrowserLoginException("login.mjs overran its " + timeout.toMillis() + " ms timeout and was killed",
            url, log);
      }
      exit = process.exitValue();
      out = stdout.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      NodeScripts.killTree(process, Duration.ZERO);
      Thread.currentThread().interrupt();
      throw new OidcLabException("interrupted during the browser login", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new OidcLabException("cannot read login.mjs's output; log " + log, e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    String firstLine = out.lines().findFirst().orElse("");
    if (exit == 0 && firstLine.startsWith("DONE ")) {
      String text = out.substring(Math.min(out.length(), firstLine.length() + 1)).strip();
      return new Result(URI.create(firstLine.substring(5).strip()), text, elapsed);
    }
    String reason = firstLine.startsWith("FAIL ") ? firstLine.substring(5) : "exited " + exit + " without a verdict";
    if (exit == 3) {
      throw new OidcLabException("Chromium cannot run: " + reason + "; log " + log + ":\n" + NodeScripts.tail(log, 10));
    }
    String screenshot = screenshotOnFailure != null && Files.isRegularFile(screenshotOnFailure)
        ? "; screenshot " + screenshotOnFailure : "";
    throw new BrowserLoginException(reason + screenshot, url, log);
  }

  /** A pattern for {@link #login}'s {@code untilRegex} matching URLs that start with {@code prefix}. */
  public static String urlStartingWith(String prefix) {
    return "^" + prefix.replaceAll("[\\\\^$.|?*+()\\[\\]{}/]", "\\\\$0");
  }

  /** Chromium's path, or a failure saying how to install it. */
  public static Path chromium() {
    String configured = System.getenv("CHROMIUM");
    Path path = configured == null || configured.isBlank() ? DEFAULT_CHROMIUM : Path.of(configured);
    if (!Files.isExecutable(path)) {
      throw new OidcLabException("no Chromium at " + path + ": install Debian's chromium: apt-get install -y chromium");
    }
    return path;
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread.ofVirtual().name("browser-login-stdout").start(() -> {
      try (stream) {
        byte[] kept = stream.readNBytes(MAX_OUTPUT);
        stream.transferTo(OutputStream.nullOutputStream());
        result.complete(new String(kept, StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private static void createParent(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new OidcLabException("cannot create " + parent + " for the failure screenshot", e);
    }
  }
}
