package dev.trellis.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process we started (a WireGuard device, an iperf3 server, a ping), its output
 * going to a log file. Stopping is by its own pid: SIGTERM, then SIGKILL after a grace period.
 */
public final class BackgroundProcess implements AutoCloseable {
  private final String label;
  private final Process process;
  private final Path log;

  private BackgroundProcess(String label, Process process, Path log) {
    this.label = label;
    this.process = process;
    this.log = log;
  }

  static BackgroundProcess start(String label, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      return new BackgroundProcess(label, builder.start(), log);
    } catch (IOException e) {
      throw new LabException("cannot start " + label + " `" + String.join(" ", command) + "`: "
          + e.getMessage(), e);
    }
  }

  public String label() {
    return label;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Exit code once it has exited on its own within {@code timeout}; else -1 (still running). */
  public int waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted waiting for " + label, e);
    }
  }

  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e.getMessage() + ">";
    }
  }

  public String outputTail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL; idempotent. */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        Shell.kill(process);
      }
    } catch (InterruptedException e) {
      Shell.kill(process);
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGKILL at once, with its descendants, as a crash would end it; waits briefly for it to go. */
  public void kill() {
    Shell.kill(process);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(3));
  }

  @Override
  public String toString() {
    return label + " (pid " + process.pid() + ", log " + log + ")";
  }
}
