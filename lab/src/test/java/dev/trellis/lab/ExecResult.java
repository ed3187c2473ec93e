package dev.trellis.lab;

import java.util.List;

/** Outcome of a finished (or timed-out) command; {@code exitCode} is -1 when it timed out. */
public record ExecResult(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {

  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  public ExecResult orThrow() {
    if (!ok()) {
      throw new LabException(describe());
    }
    return this;
  }

  public String describe() {
    String status = timedOut ? "timed out" : "exited " + exitCode;
    return "`" + String.join(" ", command) + "` " + status
        + section("stdout", stdout) + section("stderr", stderr);
  }

  private static String section(String name, String text) {
    return text.isBlank() ? "" : "\n--- " + name + " ---\n" + text.strip();
  }
}
