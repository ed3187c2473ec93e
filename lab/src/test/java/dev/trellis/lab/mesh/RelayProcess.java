package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.Netns;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code bin/trellis-relay --listen IP:PORT --stun-listen IP:3478 --region N} in its own
 * namespace. It keeps one key file for all its starts (a restarted relay has the same identity,
 * as a real one would); each start logs to {@code relay<N>-<start>.log}.
 */
public final class RelayProcess implements AutoCloseable {
  private final Netns ns;
  private final int region;
  private final String address;
  private final int port;
  private final int stunPort;
  private final Path keyFile;
  private final Path logDir;
  private BackgroundProcess process;
  private int starts;

  RelayProcess(Netns ns, int region, String address, int port, int stunPort, Path keyFile, Path logDir) {
    this.ns = ns;
    this.region = region;
    this.address = address;
    this.port = port;
    this.stunPort = stunPort;
    this.keyFile = keyFile;
    this.logDir = logDir;
  }

  public int region() {
    return region;
  }

  public String address() {
    return address;
  }

  /** The relay's HTTP (relay, /health, /metrics) endpoint, {@code IP:PORT}. */
  public String httpEndpoint() {
    return address + ":" + port;
  }

  /** The relay's STUN endpoint, {@code IP:PORT} (UDP). */
  public String stunEndpoint() {
    return address + ":" + stunPort;
  }

  public Netns netns() {
    return ns;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public BackgroundProcess process() {
    return process;
  }

  /** Starts the relay without waiting; see {@link #awaitListening()}. */
  void spawn() {
    if (isRunning()) {
      throw new IllegalStateException("relay " + region + " is already running: " + process);
    }
    starts++;
    process = ns.spawn("trellis-relay " + region, logDir.resolve("relay" + region + "-" + starts + ".log"),
        Launchers.environment(), LabHost.repo().resolve("bin/trellis-relay").toString(),
        "--listen", httpEndpoint(), "--stun-listen", stunEndpoint(), "--region", Integer.toString(region),
        "--key-file", keyFile.toString());
  }

  /** Waits until the relay listens on its TCP port and its STUN port, or fails saying why not. */
  void awaitListening() {
    Await.until("relay " + region + " to listen on TCP " + httpEndpoint() + " and UDP " + stunEndpoint(),
        CoordinatorProcess.START_TIMEOUT, () -> {
          if (!process.isAlive()) {
            throw new AssertionError("relay " + region + " exited with " + process.waitFor(Duration.ZERO)
                + " before listening; " + process.log() + ":\n" + process.outputTail(30));
          }
          boolean tcp = !ns.exec("ss", "-Hltn", "sport = :" + port).stdout().isBlank();
          boolean udp = !ns.exec("ss", "-Hlun", "sport = :" + stunPort).stdout().isBlank();
          return tcp && udp;
        }, listening -> listening);
  }

  /** SIGKILL, as a crash or a pulled cable would end it; {@link #spawn()} brings it back. */
  void kill() {
    process.kill();
    if (process.isAlive()) {
      throw new LabException("relay " + region + " survived SIGKILL: " + process);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  @Override
  public String toString() {
    return "relay region " + region + " " + httpEndpoint() + " (STUN " + stunEndpoint() + ")"
        + (process == null ? " (not started)" : " " + process + (process.isAlive() ? "" : " (stopped)"));
  }
}
