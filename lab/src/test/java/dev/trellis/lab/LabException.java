package dev.trellis.lab;

/** The lab could not build or drive its topology (a command failed, a tool is missing). */
final class LabException extends RuntimeException {
  LabException(String message) {
    super(message);
  }

  LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
