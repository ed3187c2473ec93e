package dev.trellis.lab.desktop;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.Netns;
import dev.trellis.lab.oidc.BrowserLogin;
import dev.trellis.lab.oidc.OidcLabException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * A user's desktop in a network namespace: a private Xvfb display (no window manager), the
 * desktop app ({@code bin/trellis-desktop}) on it, and a "browser" that only records the URLs the
 * app asks it to open (a test then opens them in a real one). Keys are typed with xdotool,
 * screenshots taken with ImageMagick's import.
 *
 * <p>Every process runs inside the namespace, so closing the namespace would stop it too; closing
 * this stops them first, by pid: the app (SIGTERM, so it quits as a user's logout would), then
 * the display.
 */
final class DesktopSession implements AutoCloseable {
  /** The app's JVM and JavaFX on a loaded 2-core machine; only a failure waits this long. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DISPLAY_TIMEOUT = Duration.ofSeconds(20);
  private static final String SCREEN = "1400x900x24";

  private final Netns ns;
  private final Path dir;
  private final Path logDir;
  private BackgroundProcess xvfb;
  private String display;
  private BackgroundProcess app;
  private Path stateFile;

  private DesktopSession(Netns ns, Path dir, Path logDir) {
    this.ns = ns;
    this.dir = dir;
    this.logDir = logDir;
  }

  /**
   * Fails, naming what to install, unless this host has what the session and a browser login
   * need: Xvfb, xdotool, ImageMagick, GTK 3, Chromium, Node.js, and the desktop app's build output.
   */
  static void requireTools() {
    List<String> problems = new ArrayList<>();
    for (String[] tool : new String[][] {{"Xvfb", "xvfb"}, {"xdotool", "xdotool"}, {"import", "imagemagick"},
        {"node", "nodejs npm"}}) {
      if (LabHost.onPath(tool[0]).isEmpty()) {
        problems.add(tool[0] + " is not on PATH: apt-get install -y " + tool[1]);
      }
    }
    if (!hasGtk3()) {
      problems.add("GTK 3 (libgtk-3.so.0), which JavaFX draws with, is missing: apt-get install -y libgtk-3-0");
    }
    try {
      BrowserLogin.chromium();
    } catch (OidcLabException e) {
      problems.add(e.getMessage());
    }
    Path module = LabHost.repo().resolve("desktop-app/target");
    if (!Files.isDirectory(module.resolve("classes")) || !Files.isDirectory(module.resolve("lib"))) {
      problems.add(module + "/classes and /lib are missing, which bin/trellis-desktop runs: package desktop-app first"
          + " (./mvnw -B -pl desktop-app -am package -DskipTests)");
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("the desktop end-to-end test cannot run here:\n  - " + String.join("\n  - ", problems));
    }
  }

  private static boolean hasGtk3() {
    for (Path lib : List.of(Path.of("/usr/lib"), Path.of("/usr/lib64"), Path.of("/lib"))) {
      if (Files.isRegularFile(lib.resolve("libgtk-3.so.0"))) {
        return true;
      }
      if (Files.isDirectory(lib)) {
        try (DirectoryStream<Path> arches = Files.newDirectoryStream(lib, "*-linux-gnu*")) {
          for (Path arch : arches) {
            if (Files.exists(arch.resolve("libgtk-3.so.0"))) {
              return true;
            }
          }
        } catch (IOException e) {
          // not readable: look elsewhere
        }
      }
    }
    return false;
  }

  /** Starts a display in {@code ns}; {@code dir} is the session's private directory (config, state file). */
  static DesktopSession start(Netns ns, Path dir, Path logDir) {
    DesktopSession session = new DesktopSession(ns, dir, logDir);
    try {
      session.startDisplay();
      return session;
    } catch (RuntimeException | Error e) {
      session.close();
      throw e;
    }
  }

  private void startDisplay() {
    Path displayFile = dir.resolve("display");
    // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it accepts clients.
    // bash only sets up fd 3 and execs, so the process started is Xvfb itself (its pid is ours).
    xvfb = ns.spawn("Xvfb", logDir.resolve("xvfb.log"), Map.of(), "bash", "-c",
        "exec Xvfb -displayfd 3 -screen 0 " + SCREEN + " -nolisten tcp -noreset 3>\"$1\"", "xvfb",
        displayFile.toString());
    String number = Await.until("Xvfb to announce its display number in " + displayFile, DISPLAY_TIMEOUT, () -> {
      if (!xvfb.isAlive()) {
        throw new AssertionError("Xvfb exited with " + xvfb.waitFor(Duration.ZERO) + " at start; " + xvfb.log() + ":\n"
            + xvfb.outputTail(20));
      }
      return Files.exists(displayFile) ? readString(displayFile).strip() : "";
    }, n -> n.matches("[0-9]+"));
    display = ":" + number;
  }

  String display() {
    return display;
  }

  BackgroundProcess app() {
    return app;
  }

  Path stateFile() {
    return stateFile;
  }

  /**
   * Starts {@code bin/trellis-desktop --socket SOCKET --tray none --state-file … --browser …} on
   * the display, with its configuration in the session's directory and no session bus or Wayland
   * of the host leaking in. The launcher runs the desktop-app module's build output (not the
   * lab's class path, which holds no JavaFX).
   */
  void startApp(Path socket) {
    if (app != null) {
      throw new IllegalStateException("the app already runs: " + app);
    }
    stateFile = dir.resolve("app-state.json");
    Path config = mkdirs(dir.resolve("config"));
    Path browser = writeBrowser();
    List<String> command = new ArrayList<>(List.of("env",
        "-u", "WAYLAND_DISPLAY", "-u", "DBUS_SESSION_BUS_ADDRESS", "-u", "XDG_CURRENT_DESKTOP",
        "-u", "TRELLIS_SOCKET", "-u", "TRELLIS_TRAY", "-u", "TRELLIS_CLASSPATH", "-u", "TRELLIS_JAVA_OPTS",
        "DISPLAY=" + display, "GDK_BACKEND=x11", "NO_AT_BRIDGE=1", "GSETTINGS_BACKEND=memory",
        "XDG_CONFIG_HOME=" + config, "XDG_CACHE_HOME=" + mkdirs(dir.resolve("cache")),
        "XDG_DATA_HOME=" + mkdirs(dir.resolve("data")),
        "TRELLIS_JAVA=" + Path.of(System.getProperty("java.home"), "bin", "java")));
    command.addAll(List.of(LabHost.repo().resolve("bin/trellis-desktop").toString(),
        "--socket", socket.toString(), "--tray", "none", "--state-file", stateFile.toString(),
        "--browser", browser.toString()));
    app = ns.spawn("trellis-desktop", logDir.resolve("trellis-desktop.log"), Map.of(), command.toArray(String[]::new));
  }

  /**
   * Waits until the app's state file satisfies {@code done}; fails at once if the app exits, and
   * at the deadline with the last state seen.
   */
  AppState awaitShown(String what, Duration timeout, Predicate<AppState> done) {
    Optional<AppState> shown = Await.until("the app to show " + what, timeout, () -> {
      requireAppAlive();
      return AppState.read(stateFile);
    }, s -> s.isPresent() && done.test(s.get()));
    return shown.orElseThrow();
  }

  /**
   * Focuses the window titled {@code title} and presses Enter, as a user would (there is no window
   * manager: xdotool gives the focus itself).
   */
  void pressEnterIn(String title) {
    requireAppAlive();
    ExecResult r = ns.exec(TOOL_TIMEOUT, Map.of("DISPLAY", display), "xdotool", "search", "--sync", "--onlyvisible",
        "--name", "^" + title + "$", "windowfocus", "--sync", "key", "Return");
    if (!r.ok()) {
      throw new LabException("cannot press Enter in the window '" + title + "': " + r.describe());
    }
  }

  /** The first URL the app opened in "the browser", once it has. */
  URI awaitOpenedUrl(Duration timeout) {
    Path urls = dir.resolve("opened-urls");
    String line = Await.until("the app to open a login page (" + urls + ")", timeout, () -> {
      requireAppAlive();
      return Files.exists(urls) ? readString(urls).lines().findFirst().orElse("") : "";
    }, l -> !l.isBlank());
    return URI.create(line.strip());
  }

  /** Every URL the app opened so far, in order. */
  List<String> openedUrls() {
    Path urls = dir.resolve("opened-urls");
    return Files.exists(urls) ? readString(urls).lines().filter(l -> !l.isBlank()).toList() : List.of();
  }

  /**
   * A PNG of the whole display once it has settled: two screenshots in a row show the same
   * pixels. The app writes its state file when it has updated the window's scene, and JavaFX
   * draws that on its next pulse, so a screenshot taken at once may still show the frame before
   * (a spinner, which animates, never counts as settled).
   */
  void screenshotSettled(Path png, Duration timeout) {
    mkdirs(png.toAbsolutePath().getParent());
    Path[] shots = {dir.resolve("shot-a.png"), dir.resolve("shot-b.png")};
    int[][] previous = {null};
    int[] next = {0};
    Path same = Await.until("the display " + display + " to settle (two screenshots alike)", timeout, () -> {
      Path shot = shots[next[0]++ % 2];
      screenshot(shot);
      int[] pixels = pixels(shot);
      boolean settled = previous[0] != null && Arrays.equals(previous[0], pixels);
      previous[0] = pixels;
      return settled ? shot : null;
    }, p -> p != null);
    try {
      Files.copy(same, png, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new LabException("cannot copy the screenshot to " + png + ": " + e.getMessage(), e);
    }
  }

  private void screenshot(Path png) {
    ExecResult r = ns.exec(TOOL_TIMEOUT, Map.of("DISPLAY", display), "import", "-window", "root", png.toString());
    if (!r.ok()) {
      throw new LabException("cannot take a screenshot of " + display + ": " + r.describe());
    }
  }

  private static int[] pixels(Path png) {
    try {
      BufferedImage image = ImageIO.read(png.toFile());
      if (image == null) {
        throw new LabException(png + " is not an image ImageIO can read");
      }
      return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    } catch (IOException e) {
      throw new LabException("cannot read " + png + ": " + e.getMessage(), e);
    }
  }

  /** For failure reports: the app's and the display's state and the end of the app's log. */
  String describe() {
    StringBuilder out = new StringBuilder("== desktop session " + display + " in " + ns + "\n");
    if (xvfb != null) {
      out.append("-- ").append(xvfb).append(xvfb.isAlive() ? "" : " (exited)").append('\n');
    }
    if (app != null) {
      out.append("-- ").append(app).append(app.isAlive() ? "" : " (exited)").append(", last lines:\n")
          .append(app.outputTail(30)).append('\n');
    }
    if (stateFile != null && Files.exists(stateFile)) {
      out.append("-- ").append(stateFile).append(":\n").append(readString(stateFile));
    }
    out.append("-- opened URLs: ").append(openedUrls()).append('\n');
    return out.toString();
  }

  private void requireAppAlive() {
    if (app != null && !app.isAlive()) {
      throw new AssertionError("trellis-desktop exited with " + app.waitFor(Duration.ZERO) + "; " + app.log() + ":\n"
          + app.outputTail(40));
    }
  }

  /**
   * The app runs {@code SCRIPT URL}; the script appends the URL to a file. Its path must not hold
   * spaces: the app splits --browser on them.
   */
  private Path writeBrowser() {
    Path script = dir.resolve("record-url");
    Path urls = dir.resolve("opened-urls");
    if (script.toString().contains(" ") || urls.toString().contains(" ")) {
      throw new LabException("the session directory must not contain spaces: " + dir);
    }
    String body = "#!/bin/sh\n# The desktop session's browser: records what it is asked to open.\n"
        + "for url; do :; done\nprintf '%s\\n' \"$url\" >> '" + urls + "'\n";
    try {
      Files.writeString(script, body, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      return script;
    } catch (IOException e) {
      throw new LabException("cannot write " + script + ": " + e.getMessage(), e);
    }
  }

  private static Path mkdirs(Path d) {
    try {
      return Files.createDirectories(d);
    } catch (IOException e) {
      throw new LabException("cannot create " + d + ": " + e.getMessage(), e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stops the app (SIGTERM, then SIGKILL after 10 s) and the display; idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (Runnable step : List.<Runnable>of(
        () -> {
          if (app != null) {
            app.stop(Duration.ofSeconds(10));
          }
        },
        () -> {
          if (xvfb != null) {
            xvfb.stop(Duration.ofSeconds(5));
          }
        })) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
