package dev.trellis.lab;

/** The lab could not build or drive its topology (a command failed, a tool is missing). */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
