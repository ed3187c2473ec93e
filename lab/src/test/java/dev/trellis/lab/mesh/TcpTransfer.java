package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A checksummed TCP transfer between two lab namespaces, run as a small program in each
 * ({@code ip netns exec NS java … TcpTransfer}): the client sends {@code BYTES} seeded pseudo-random
 * bytes and prints their SHA-256; the server receives until the end of stream and prints the
 * SHA-256 of what it got. Equal digests and counts mean the transfer arrived intact.
 *
 * <pre>
 * TcpTransfer server PORT
 * TcpTransfer client HOST PORT BYTES SEED
 * </pre>
 * Each prints one line: {@code bytes=N sha256=HEX}.
 */
public final class TcpTransfer {
  private TcpTransfer() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("server")) {
      try (ServerSocket server = new ServerSocket()) {
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(Integer.parseInt(args[1])));
        System.out.println("listening");
        System.out.flush();
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          MessageDigest sha = sha256();
          byte[] buf = new byte[64 * 1024];
          long total = 0;
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            total += n;
          }
          System.out.println("bytes=" + total + " sha256=" + HexFormat.of().formatHex(sha.digest()));
        }
      }
    } else if (args.length == 5 && args[0].equals("client")) {
      long bytes = Long.parseLong(args[3]);
      SplittableRandom random = new SplittableRandom(Long.parseLong(args[4]));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 10_000);
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = s.getOutputStream()) {
          for (long sent = 0; sent < bytes; ) {
            int n = (int) Math.min(buf.length, bytes - sent);
            random.nextBytes(buf);
            out.write(buf, 0, n);
            sha.update(buf, 0, n);
            sent += n;
          }
          s.shutdownOutput();
          s.getInputStream().read(); // wait for the server to close: everything was read
        }
        System.out.println("bytes=" + bytes + " sha256=" + HexFormat.of().formatHex(sha.digest()));
      }
    } else {
      System.err.println("usage: TcpTransfer server PORT | client HOST PORT BYTES SEED");
      System.exit(2);
    }
  }

  private static MessageDigest sha256() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256");
  }

  /**
   * Sends {@code bytes} from {@code from} to {@code to}'s tunnel address on {@code port} and
   * returns both sides' lines; throws if either side failed or they differ.
   */
  static String transfer(MeshNode from, MeshNode to, int port, long bytes, Path logDir, Duration timeout) {
    Path serverLog = logDir.resolve("tcp-" + to.hostname() + "-" + port + ".log");
    List<String> server = new ArrayList<>(NatProbe.javaCommand(TcpTransfer.class));
    server.addAll(List.of("server", Integer.toString(port)));
    BackgroundProcess srv = to.netns().spawn("tcp-server-" + to.hostname(), serverLog, java.util.Map.of(),
        server.toArray(String[]::new));
    try {
      Await.until(to + " to listen on TCP " + port, Duration.ofSeconds(60),
          () -> to.netns().exec("ss", "-Hltn", "sport = :" + port).stdout(), out -> !out.isBlank());
      List<String> client = new ArrayList<>(NatProbe.javaCommand(TcpTransfer.class));
      client.addAll(List.of("client", to.ipv4(), Integer.toString(port), Long.toString(bytes), "7"));
      ExecResult sent = from.netns().exec(timeout, client.toArray(String[]::new));
      if (!sent.ok()) {
        throw new AssertionError("TCP transfer " + from.hostname() + " → " + to.hostname() + " failed: " + sent.describe());
      }
      String got = Await.until("the server's digest", Duration.ofSeconds(30), () -> read(serverLog),
          text -> text.contains("sha256="));
      String sentLine = sent.stdout().strip();
      String gotLine = got.lines().filter(l -> l.startsWith("bytes=")).findFirst().orElse("");
      if (!sentLine.equals(gotLine)) {
        throw new AssertionError("TCP transfer corrupted: sent " + sentLine + ", received " + gotLine);
      }
      return sentLine;
    } finally {
      srv.close();
    }
  }

  private static String read(Path p) {
    try {
      return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
