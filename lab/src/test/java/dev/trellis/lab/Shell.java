package dev.trellis.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs short-lived commands with a hard deadline and captures their output. A command that
 * outlives its deadline is killed (with its descendants) and reported as timed out, so no test
 * can hang on a stuck tool.
 */
public final class Shell {
  private Shell() {}

  public static ExecResult run(Duration timeout, List<String> command) {
    return run(timeout, command, Map.of(), null);
  }

  public static ExecResult run(Duration timeout, List<String> command, Map<String, String> env, String stdin) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new LabException("cannot start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        kill(process);
      }
      return new ExecResult(List.copyOf(command), finished ? process.exitValue() : -1, !finished,
          collect(out), collect(err));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running `" + String.join(" ", command) + "`", e);
    } catch (IOException e) {
      kill(process);
      throw new UncheckedIOException(e);
    }
  }

  /** Kills a process we started, and its descendants, and waits briefly for it to go. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (stream) {
        result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.complete("<output lost: " + e.getMessage() + ">");
      }
    });
    return result;
  }

  private static String collect(CompletableFuture<String> future) throws InterruptedException {
    try {
      // The pipe closes when the process (and anything that inherited it) exits.
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return "<output not collected: " + e + ">";
    }
  }
}
