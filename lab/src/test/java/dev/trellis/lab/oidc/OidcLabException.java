package dev.trellis.lab.oidc;

/** A fixture could not run: a tool is missing, an install failed, or a script died. */
public class OidcLabException extends RuntimeException {
  public OidcLabException(String message) {
    super(message);
  }

  public OidcLabException(String message, Throwable cause) {
    super(message, cause);
  }
}
