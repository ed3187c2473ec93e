package dev.trellis.lab.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/** What the lab's stories measure: {@code LAB event=… key=value} on stdout and in the class's measurements.log. */
final class Measurements {
  private Measurements() {}

  static void report(Class<?> testClass, String event, Object... keyValues) {
    StringBuilder line = new StringBuilder("LAB event=" + event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
    }
    System.out.println(line);
    try {
      Files.writeString(Mesh.logDirFor(testClass).resolve("measurements.log"), line + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
