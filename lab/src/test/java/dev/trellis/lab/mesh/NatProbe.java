package dev.trellis.lab.mesh;

import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabException;
import dev.trellis.lab.Netns;
import dev.trellis.protocol.stun.StunClient;
import dev.trellis.protocol.stun.StunException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny program run inside a lab namespace ({@code ip netns exec NS java … NatProbe}) that asks
 * "how does the network treat me?": it binds ONE UDP socket and sends a STUN Binding request from
 * it to each {@code --stun} server in turn (one socket is what makes endpoint-dependent mapping
 * visible: the mapped ports then differ per server), then GETs {@code /health} from each
 * {@code --http} server over TCP. Results are printed one per line and parsed by
 * {@link ProbeReport}; a server that does not answer is a result ({@code none}), not an error.
 *
 * <pre>
 * NatProbe [--timeout-ms N] [--port P] [--stun HOST:PORT]... [--http HOST:PORT]...
 * </pre>
 */
public final class NatProbe {
  private static final int MAX_RESPONSE = 4096;
  private static final Duration JVM_START = Duration.ofSeconds(60);

  private NatProbe() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    Duration timeout = Duration.ofSeconds(3);
    int port = 0;
    List<InetSocketAddress> stun = new ArrayList<>();
    List<InetSocketAddress> http = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--timeout-ms" -> timeout = Duration.ofMillis(Long.parseLong(value));
          case "--port" -> port = Integer.parseInt(value);
          case "--stun" -> stun.add(hostPort(value));
          case "--http" -> http.add(hostPort(value));
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("NatProbe: " + e.getMessage());
      System.exit(2);
    }
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(port));
      out.println("udp-local " + ((InetSocketAddress) channel.getLocalAddress()).getPort());
      for (InetSocketAddress server : stun) {
        String key = ProbeReport.key(server);
        try {
          InetSocketAddress mapped = StunClient.probe(channel, server, timeout);
          out.println("stun " + key + " mapped " + ProbeReport.key(mapped));
        } catch (IOException | StunException | RuntimeException e) {
          out.println("stun " + key + " none " + oneLine(e));
        }
      }
    } catch (IOException e) {
      System.err.println("NatProbe: cannot bind UDP port " + port + ": " + e.getMessage());
      System.exit(1);
    }
    for (InetSocketAddress server : http) {
      out.println("http " + ProbeReport.key(server) + " " + health(server, timeout));
    }
    out.flush();
  }

  /** {@code status CODE FIRST-BODY-LINE} or {@code none REASON}: one plain HTTP/1.1 GET /health. */
  private static String health(InetSocketAddress server, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream os = socket.getOutputStream();
      os.write(("GET /health HTTP/1.1\r\nHost: " + ProbeReport.key(server) + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      os.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = in.readNBytes(MAX_RESPONSE);
      String response = new String(buffer, StandardCharsets.ISO_8859_1);
      String[] status = response.lines().findFirst().orElse("").split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
        return "none not an HTTP response: " + oneLine(response);
      }
      int body = response.indexOf("\r\n\r\n");
      String first = body < 0 ? "" : response.substring(body + 4).lines().findFirst().orElse("");
      return "status " + Integer.parseInt(status[1]) + " " + oneLine(first);
    } catch (IOException | RuntimeException e) {
      return "none " + oneLine(e);
    }
  }

  private static InetSocketAddress hostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected HOST:PORT, got \"" + text + "\"");
    }
    return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
  }

  private static String oneLine(Object o) {
    String text = o instanceof Throwable t ? t.getClass().getSimpleName() + ": " + t.getMessage() : String.valueOf(o);
    return text.replaceAll("[\\r\\n]+", " ").strip();
  }

  /**
   * Runs the probe in {@code ns} and parses what it printed. {@code timeout} bounds each STUN
   * server and each HTTP request separately; {@code localPort} 0 picks a free port.
   */
  static ProbeReport run(Netns ns, Duration timeout, int localPort, List<String> stunServers, List<String> httpServers) {
    List<String> command = new ArrayList<>(javaCommand(NatProbe.class));
    command.addAll(List.of("--timeout-ms", Long.toString(timeout.toMillis()), "--port", Integer.toString(localPort)));
    stunServers.forEach(s -> command.addAll(List.of("--stun", s)));
    httpServers.forEach(s -> command.addAll(List.of("--http", s)));
    Duration limit = JVM_START.plus(timeout.multipliedBy(stunServers.size() + httpServers.size()));
    ExecResult result = ns.exec(limit, command.toArray(String[]::new));
    if (!result.ok()) {
      throw new LabException("the NAT probe failed in " + ns.name() + ": " + result.describe());
    }
    return ProbeReport.parse(result.stdout());
  }

  /**
   * The command line that runs {@code main}, a small program of the lab's test classes, on this
   * JVM's java: a quick start (serial GC, C1 only, small heap) on the lab's and protocol's classes.
   */
  static List<String> javaCommand(Class<?> main, String... jvmOptions) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m"));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", classPath(), main.getName()));
    return command;
  }

  /** This class (the lab's test classes) and the protocol module (StunClient): all the probe needs. */
  private static String classPath() {
    return location(NatProbe.class) + ":" + location(StunClient.class);
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException | NullPointerException e) {
      throw new LabException("cannot tell where " + type.getName() + " was loaded from: " + e, e);
    }
  }
}
