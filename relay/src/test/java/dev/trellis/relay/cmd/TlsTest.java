package dev.trellis.relay.cmd;

import dev.trellis.protocol.http.PemTls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import dev.trellis.relay.Relay;
import dev.trellis.relay.RelayConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay over TLS from PEM files, as {@code --tls-cert/--tls-key} load them (openssl makes a throwaway pair). */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void nodesTalkThroughATlsRelay() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("relay", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        LinkedBlockingQueue<byte[]> atB = new LinkedBlockingQueue<>();
        try (Relay relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(),
                        new InetSocketAddress("127.0.0.1", 0), PemTls.context(cert, key));
                RelayClient a = RelayClient.connect(relay.url(), NodePrivateKey.generate(),
                        RelayClientOptions.defaults().withTls(clientTls), (src, packet) -> { });
                RelayClient b = RelayClient.connect(relay.url(), NodePrivateKey.generate(),
                        RelayClientOptions.defaults().withTls(clientTls), new RelayListener() {
                            @Override
                            public void onPacket(NodePublicKey src, byte[] packet) {
                                atB.add(packet);
                            }
                        })) {
            assertThat(relay.url().getScheme()).isEqualTo("https");
            a.send(b.nodeKey(), ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertThat(atB.poll(20, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
        }
    }
}
