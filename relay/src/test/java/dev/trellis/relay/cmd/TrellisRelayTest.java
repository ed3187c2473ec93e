package dev.trellis.relay.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.http.Http1Client;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrellisRelayTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(TrellisRelay command, String... args) {
        return TrellisRelay.run(new PrintWriter(out, true), new PrintWriter(err, true), command, args);
    }

    @Test
    void servesWithTheDocumentedOptionsUntilStopped() throws Exception {
        Path keyFile = dir.resolve("relay.key");
        Path mesh = dir.resolve("mesh.key");
        Files.writeString(mesh, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(mesh, PosixFilePermissions.fromString("rw-------"));
        int stunPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            stunPort = probe.getLocalPort(); // a free UDP port, handed to the relay below
        }
        TrellisRelay command = new TrellisRelay();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(command, "--listen", "127.0.0.1:0",
                "--stun-listen", "127.0.0.1:" + stunPort, "--region", "test", "--key-file", keyFile.toString(),
                "--mesh-key", mesh.toString(), "--queue-budget", "64M"));
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (command.running == null && !exit.isDone() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(command.running).as("started; stderr: %s", err).isNotNull();
        assertThat(command.running.config().queueBudgetBytes()).isEqualTo(64L << 20);
        try (Http1Client http = Http1Client.tcp(command.running.url(), null, Duration.ofSeconds(5))) {
            assertThat(http.send("GET", "/health", Map.of(), null).status()).isEqualTo(200);
        }
        try (java.nio.channels.DatagramChannel udp = java.nio.channels.DatagramChannel.open()
                .bind(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            java.net.InetSocketAddress mapped = dev.trellis.protocol.stun.StunClient.probe(udp,
                    new java.net.InetSocketAddress("127.0.0.1", stunPort), Duration.ofSeconds(5));
            assertThat(mapped).as("what STUN on the relay saw").isEqualTo(udp.getLocalAddress());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(TrellisRelay.loadOrCreateKey(keyFile).publicKey()).isEqualTo(command.running.publicKey());
        command.stop.countDown();
        assertThat(exit.get()).isZero();
    }

    @Test
    void badUsageExitsTwoWithOneLine() {
        assertThat(run(new TrellisRelay(), "--bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("trellis-relay:", "--help");
        assertThat(run(new TrellisRelay(), "--tls-cert", "x.pem")).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
        assertThat(run(new TrellisRelay(), "--mesh-with", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--mesh-with needs --mesh-key");
        assertThat(run(new TrellisRelay(), "--queue-budget", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a positive byte count");
        assertThat(run(new TrellisRelay(), "--queue-budget", "0")).isEqualTo(2);
    }

    @Test
    void secretsReadableByOthersAreRefused() throws Exception {
        Path mesh = dir.resolve("mesh.key");
        Files.writeString(mesh, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(mesh, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TrellisRelay.readSecret(mesh)).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(mesh, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(mesh, "short");
        assertThatThrownBy(() -> TrellisRelay.readSecret(mesh)).hasMessageContaining("shorter than 16");
        assertThat(run(new TrellisRelay(), "--listen", "nonsense")).isEqualTo(1);
        assertThat(err.toString()).contains("--listen must be HOST:PORT");
    }
}
