package dev.trellis.lab.oidc;

import java.net.URI;
import java.nio.file.Path;

/**
 * A browser login did not reach its target page: credentials rejected, a page that failed to
 * load, or no way forward before the timeout. {@link #reason()} is login.mjs's one-line verdict;
 * the message adds the start URL and the log of the browser's navigation.
 */
public final class BrowserLoginException extends RuntimeException {
  private final String reason;
  private final Path log;

  BrowserLoginException(String reason, URI startUrl, Path log) {
    super("browser login from " + startUrl.getScheme() + "://" + startUrl.getAuthority() + startUrl.getRawPath()
        + " failed: " + reason + " (log " + log + ")");
    this.reason = reason;
    this.log = log;
  }

  public String reason() {
    return reason;
  }

  public Path log() {
    return log;
  }
}
