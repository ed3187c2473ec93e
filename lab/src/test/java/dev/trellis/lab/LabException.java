package dev.trellis.lab;

/** The lab could not build or drive its topology (a command failed, a tool is missing). */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * For cleanups that go on after a failure: {@code next} when it is the first failure, else
   * {@code first} with {@code next} added as suppressed, so none is lost.
   */
  public static RuntimeException accumulate(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
