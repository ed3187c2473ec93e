package dev.trellis.lab.mesh;

import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The launchers in {@code bin/} and the environment they run with: this JVM's java and, under
 * Maven, the class path this build produced (lab/pom.xml writes it; it holds the coordinator,
 * the daemon and the CLI), so a test never runs a stale jar.
 */
final class Launchers {
  private Launchers() {}

  static String coordinator() {
    return LabHost.repo().resolve("bin/trellis-coordinator").toString();
  }

  static String daemon() {
    return LabHost.repo().resolve("bin/trellisd").toString();
  }

  static String cli() {
    return LabHost.repo().resolve("bin/trellis").toString();
  }

  static Map<String, String> environment() {
    return new HashMap<>(LabHost.trellisEnvironment());
  }

  /**
   * The environment for running a launcher as another user: the Maven class path points into
   * root's ~/.m2, which no one else may read, so its jars are copied into {@code dir} (which
   * must be readable by that user). Directories on the class path (reactor target/classes) are
   * kept as they are.
   */
  static Map<String, String> environmentReadableBy(Path dir) {
    Map<String, String> env = environment();
    String cp = env.get("TRELLIS_CLASSPATH");
    if (cp == null) {
      return env; // the launcher uses the repository's target/ directories
    }
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> copied = new ArrayList<>();
      int i = 0;
      for (String element : cp.split(":")) {
        Path source = Path.of(element);
        if (Files.isRegularFile(source)) {
          // Numbered: two jars of the same name from different places must not collide.
          Path target = dir.resolve((i++) + "-" + source.getFileName());
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
          copied.add(target.toString());
        } else {
          copied.add(element);
        }
      }
      env.put("TRELLIS_CLASSPATH", String.join(":", copied));
      return env;
    } catch (IOException e) {
      throw new LabException("cannot copy the class path to " + dir + ": " + e.getMessage(), e);
    }
  }
}
