package dev.trellis.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * Facts about the machine the lab runs on: root, tools, the repository, and whether the Trellis
 * side can run. Missing prerequisites are failures, never skips: a lab test that silently skips
 * proves nothing (TRELLIS_SKIP_ROOT_TESTS=1 is the explicit, build-level opt-out).
 */
public final class LabHost {
  static final String TRELLIS_MAIN = "dev.trellis.engine.cmd.TrellisWg";
  static final List<String> TOOLS = List.of("ip", "wg", "wireguard-go", "iperf3", "ping", "ss");
  private static final String PACKAGES = "wireguard-go wireguard-tools iperf3 iproute2 iputils-ping";
  private static String problem;
  private static boolean checked;

  private LabHost() {}

  /** Fails (every time it is called) if this host cannot run lab tests at all. */
  public static synchronized void requireReady() {
    if (!checked) {
      checked = true;
      problem = findProblem();
    }
    if (problem != null) {
      throw new AssertionError(problem);
    }
  }

  private static String findProblem() {
    List<String> problems = new ArrayList<>();
    if (!isRoot()) {
      problems.add("lab tests need root (network namespaces, TUN devices); run the build as root,"
          + " or opt out explicitly with TRELLIS_SKIP_ROOT_TESTS=1");
    }
    List<String> missing = TOOLS.stream().filter(tool -> onPath(tool).isEmpty()).toList();
    if (!missing.isEmpty()) {
      problems.add("missing tools " + missing + " on PATH: apt-get install -y " + PACKAGES);
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      problems.add("/dev/net/tun is missing (modprobe tun, or give the container the device)");
    }
    return problems.isEmpty() ? null : "lab host not ready:\n  - " + String.join("\n  - ", problems);
  }

  static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[2].equals("0")); // effective uid
    } catch (IOException e) {
      return false;
    }
  }

  /** The executable {@code tool} on PATH, if any. */
  public static Optional<Path> onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static Path repo() {
    String configured = System.getProperty("trellis.lab.repo");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("bin/trellis-wg"))) {
        return dir;
      }
    }
    throw new LabException("cannot find the repository root (no bin/trellis-wg above " + Path.of("").toAbsolutePath() + ")");
  }

  public static Path logRoot() {
    return Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs")).toAbsolutePath();
  }

  static Path launcher() {
    return repo().resolve("bin/trellis-wg");
  }

  /**
   * Environment for bin/trellis-wg: this JVM's java (a JDK 25, since the tests run on it) and,
   * under Maven, the engine class path this very build produced (see lab/pom.xml).
   */
  public static Map<String, String> trellisEnvironment() {
    java.util.HashMap<String, String> env = new java.util.HashMap<>();
    env.put("TRELLIS_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    mavenEngineClasspath().ifPresent(cp -> env.put("TRELLIS_CLASSPATH", cp));
    return env;
  }

  /** Why the Trellis side cannot run here, or empty if it can (as far as can be told without starting it). */
  static Optional<String> trellisUnavailability() {
    Path launcher = launcher();
    if (!Files.isExecutable(launcher)) {
      return Optional.of(launcher + " is missing or not executable");
    }
    Optional<String> cp = mavenEngineClasspath();
    String entry = TRELLIS_MAIN.replace('.', '/') + ".class";
    if (cp.isPresent()) {
      for (String element : cp.get().split(":")) {
        if (contains(Path.of(element), entry)) {
          return Optional.empty();
        }
      }
      return Optional.of("the engine built by this Maven run has no " + TRELLIS_MAIN
          + " (the launcher main class bin/trellis-wg runs); engine class path: " + cp.get());
    }
    Path jar = repo().resolve("engine/target/trellis-engine-0.1.0-SNAPSHOT.jar");
    if (!Files.isRegularFile(jar)) {
      return Optional.of(jar + " is missing: run ./mvnw -B package -DskipTests first");
    }
    if (!contains(jar, entry)) {
      return Optional.of(jar + " has no " + TRELLIS_MAIN + ": the engine does not provide the launcher main class yet"
          + " (or the jar is stale: run ./mvnw -B package -DskipTests)");
    }
    return Optional.empty();
  }

  private static Optional<String> mavenEngineClasspath() {
    String file = System.getProperty("trellis.lab.engineClasspathFile");
    if (file == null || !Files.isRegularFile(Path.of(file))) {
      return Optional.empty();
    }
    try {
      String cp = Files.readString(Path.of(file)).strip();
      return cp.isEmpty() ? Optional.empty() : Optional.of(cp);
    } catch (IOException e) {
      throw new LabException("cannot read " + file, e);
    }
  }

  private static boolean contains(Path element, String entry) {
    if (Files.isDirectory(element)) {
      return Files.isRegularFile(element.resolve(entry));
    }
    if (Files.isRegularFile(element) && element.toString().endsWith(".jar")) {
      try (JarFile jar = new JarFile(element.toFile())) {
        return jar.getEntry(entry) != null;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  /** Deletes {@code dir} and everything below it, if it exists (files that vanish meanwhile are fine). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
