package dev.trellis.lab.oidc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real OpenID Provider ({@code oidc-provider} via lab/oidc/provider.mjs) on 127.0.0.1 with one
 * confidential client (authorization code flow, PKCE S256, client_secret_basic or
 * client_secret_post at the token endpoint) and password-checked accounts. An account's
 * {@code sub} and {@code preferred_username} are its username, {@code email} is {@link #emailOf},
 * {@code email_verified} is true and {@code name} is the username; scopes openid, profile, email,
 * and the ID token carries the claims of the granted scopes. Its login page has username and
 * password fields; its consent page an "Authorize" button (see {@link BrowserLogin}).
 *
 * <p>The process lives until {@link #close()}; should this JVM die first, the provider sees its
 * standard input close and exits, so no test leaks it.
 */
public final class OidcProvider implements AutoCloseable {
  private static final String READY = "READY ";

  /**
   * How to start the provider. {@code pkceRequired} false lets the client omit PKCE (to test a
   * relying party that does not send it). {@code anyLoopbackPort} registers the client as a native
   * app, whose loopback redirect URIs match on any port (RFC 8252 §7.3): for a relying party whose
   * port is not known before the provider starts. {@code netns} names a network namespace to run
   * it in ({@code ip netns exec}), so that its 127.0.0.1 is that namespace's loopback (for a
   * relying party and a browser inside it), or is null for this process's own.
   */
  public record Settings(String clientId, String clientSecret, List<String> redirectUris,
      Map<String, String> usersToPasswords, boolean pkceRequired, boolean anyLoopbackPort, Duration startTimeout,
      String netns) {
    public Settings {
      requireText(clientId, "clientId");
      requireText(clientSecret, "clientSecret");
      redirectUris = List.copyOf(redirectUris);
      usersToPasswords = Map.copyOf(usersToPasswords);
      if (redirectUris.isEmpty()) {
        throw new IllegalArgumentException("at least one redirect URI is needed");
      }
      for (String uri : redirectUris) {
        URI parsed = URI.create(uri);
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
          throw new IllegalArgumentException("redirect URI is not an http(s) URL: " + uri);
        }
      }
      if (usersToPasswords.isEmpty()) {
        throw new IllegalArgumentException("at least one user is needed");
      }
      usersToPasswords.forEach((user, password) -> {
        requireText(user, "username");
        requireText(password, "password of " + user);
      });
      if (!startTimeout.isPositive()) {
        throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
      }
      if (netns != null && !NodeScripts.isNamespaceName(netns)) {
        throw new IllegalArgumentException("not a network namespace name: " + netns);
      }
    }

    public static Settings of(String clientId, String clientSecret, List<String> redirectUris,
        Map<String, String> usersToPasswords) {
      return new Settings(clientId, clientSecret, redirectUris, usersToPasswords, true, false, Duration.ofSeconds(30),
          null);
    }

    public Settings withPkceRequired(boolean required) {
      return new Settings(clientId, clientSecret, redirectUris, usersToPasswords, required, anyLoopbackPort, startTimeout,
          netns);
    }

    public Settings withAnyLoopbackPort(boolean any) {
      return new Settings(clientId, clientSecret, redirectUris, usersToPasswords, pkceRequired, any, startTimeout, netns);
    }

    public Settings withStartTimeout(Duration timeout) {
      return new Settings(clientId, clientSecret, redirectUris, usersToPasswords, pkceRequired, anyLoopbackPort, timeout,
          netns);
    }

    /** Runs the provider in network namespace {@code name} (null: this process's). */
    public Settings inNetns(String name) {
      return new Settings(clientId, clientSecret, redirectUris, usersToPasswords, pkceRequired, anyLoopbackPort,
          startTimeout, name);
    }

    // Never echo the secret back in the record's text form (it lands in test reports).
    @Override
    public String toString() {
      return "Settings[clientId=" + clientId + ", redirectUris=" + redirectUris + ", users="
          + usersToPasswords.keySet() + ", pkceRequired=" + pkceRequired + ", anyLoopbackPort=" + anyLoopbackPort
          + (netns == null ? "" : ", netns=" + netns) + "]";
    }
  }

  private final Process process;
  private final OutputStream stdin;
  private final URI issuer;
  private final Path log;

  private OidcProvider(Process process, URI issuer, Path log) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.issuer = issuer;
    this.log = log;
  }

  /** Starts a provider with PKCE required; installs lab/oidc's packages first if need be. */
  public static OidcProvider start(String clientId, String clientSecret, List<String> redirectUris,
      Map<String, String> usersToPasswords) {
    return start(Settings.of(clientId, clientSecret, redirectUris, usersToPasswords));
  }

  public static OidcProvider start(Settings settings) {
    NodeScripts.ensureInstalled();
    Path dir = NodeScripts.dir();
    Path log = NodeScripts.newLog("oidc-provider");
    Path users = writeUsersFile(settings.usersToPasswords());
    try {
      List<String> command = new ArrayList<>(NodeScripts.inNetns(settings.netns()));
      command.addAll(List.of(NodeScripts.node().toString(), "provider.mjs",
          "--port", "0", "--client-id", settings.clientId(), "--users-file", users.toString(),
          "--pkce", settings.pkceRequired() ? "required" : "optional"));
      settings.redirectUris().forEach(uri -> command.addAll(List.of("--redirect-uri", uri)));
      if (settings.anyLoopbackPort()) {
        command.add("--any-loopback-port");
      }
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("OIDC_CLIENT_SECRET", settings.clientSecret());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new OidcLabException("cannot start `node provider.mjs` in " + dir + ": " + e.getMessage(), e);
      }
      try {
        URI issuer = awaitReady(process, settings.startTimeout(), log);
        return new OidcProvider(process, issuer, log);
      } catch (RuntimeException e) {
        NodeScripts.killTree(process, Duration.ZERO);
        throw e;
      }
    } finally {
      deleteQuietly(users); // read once at start-up; no password stays on disk
    }
  }

  private static URI awaitReady(Process process, Duration timeout, Path log) {
    CompletableFuture<String> firstLine = new CompletableFuture<>();
    Thread.ofVirtual().name("oidc-provider-stdout").start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        firstLine.complete(out.readLine());
        while (out.readLine() != null) {
          // Only the READY line is expected; keep the pipe drained regardless.
        }
      } catch (IOException e) {
        firstLine.complete(null);
      }
    });
    String line;
    try {
      line = firstLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new OidcLabException("the OIDC provider did not print READY within " + timeout.toMillis() + " ms; log "
          + log + ":\n" + NodeScripts.tail(log, 20));
    } catch (ExecutionException e) {
      throw new OidcLabException("cannot read the OIDC provider's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OidcLabException("interrupted waiting for the OIDC provider", e);
    }
    if (line == null || !line.startsWith(READY)) {
      String status = waitBriefly(process);
      throw new OidcLabException("the OIDC provider did not start (" + status + (line == null ? "" : ", printed `" + line + "`")
          + "); log " + log + ":\n" + NodeScripts.tail(log, 20));
    }
    URI issuer = URI.create(line.substring(READY.length()).strip());
    if (!"http".equals(issuer.getScheme()) || !"127.0.0.1".equals(issuer.getHost()) || issuer.getPort() <= 0) {
      throw new OidcLabException("the OIDC provider announced an unexpected issuer: " + line);
    }
    return issuer;
  }

  private static String waitBriefly(Process process) {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? "exited " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The issuer, {@code http://127.0.0.1:PORT} (no trailing slash, as the ID token's iss claim has it). */
  public URI issuer() {
    return issuer;
  }

  public URI discoveryUri() {
    return URI.create(issuer + "/.well-known/openid-configuration");
  }

  /** The {@code email} claim of an account: the username if it contains '@', else username@example.test. */
  public static String emailOf(String username) {
    return username.contains("@") ? username : username + "@example.test";
  }

  /** The provider's log (its stderr: requests by path, logins accepted or rejected, errors). */
  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the provider: closes its standard input (it exits on that), then SIGTERM, then SIGKILL. */
  @Override
  public void close() {
    try {
      stdin.close();
      if (process.waitFor(3, TimeUnit.SECONDS)) {
        return;
      }
    } catch (IOException e) {
      // The pipe is already gone; fall through to signals.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    NodeScripts.killTree(process, Duration.ofSeconds(3));
  }

  @Override
  public String toString() {
    return "OidcProvider[" + issuer + ", pid " + process.pid() + ", log " + log + "]";
  }

  private static Path writeUsersFile(Map<String, String> users) {
    StringBuilder json = new StringBuilder("{");
    users.forEach((user, password) -> json.append(json.length() > 1 ? "," : "")
        .append(jsonString(user)).append(':').append(jsonString(password)));
    json.append('}');
    try {
      Path file = Files.createTempFile("trellis-oidc-users-", ".json",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, json, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new OidcLabException("cannot write the OIDC provider's users file: " + e.getMessage(), e);
    }
  }

  static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A 0600 temp file of test passwords; nothing better to do than leave it.
    }
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
