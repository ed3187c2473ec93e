package dev.trellis.protocol.noise;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.MachinePrivateKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NoiseConnectionTest {
    private static final long DEADLINE_SECONDS = 30;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void messagesFlowBothWaysInOrder() throws Exception {
        try (NoisePair pair = NoisePair.connect()) {
            pair.client().writeMessage(bytes("hello"));
            pair.client().writeMessage(bytes("coordinator"));
            pair.server().writeMessage(bytes("welcome"));
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("hello");
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("coordinator");
            assertThat(pair.client().readMessage()).asString(UTF_8).isEqualTo("welcome");
        }
    }

    @Test
    void emptyMessagesArrive() throws Exception {
        try (NoisePair pair = NoisePair.connect()) {
            pair.client().writeMessage(new byte[0]);
            pair.client().writeMessage(bytes("after"));
            assertThat(pair.server().readMessage()).isEmpty();
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("after");
        }
    }

    @Test
    void largeMessagesSpanRecordsAndArriveWhole() throws Exception {
        byte[] big = random(5 << 20, 1);
        try (NoisePair pair = NoisePair.connect()) {
            Future<?> writer = executor.submit(() -> {
                pair.client().writeMessage(big);
                pair.client().writeMessage(bytes("small"));
                return null;
            });
            assertThat(pair.server().readMessage()).isEqualTo(big);
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("small");
            writer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A message fills every record but its last, and no empty record follows a full one. */
    @Test
    void messagesUseAsFewRecordsAsFit() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeMessage(new byte[10_000]); // 10,004 bytes with the prefix
            assertThat(tap.takeRecords()).extracting(r -> r.length)
                    .containsExactly(3 + 4096, 3 + 4096, 3 + 1844 + 16);
            tap.client().writeMessage(new byte[4080 - 4]);
            assertThat(tap.takeRecords()).extracting(r -> r.length).containsExactly(3 + 4096);
            tap.client().writeMessage(new byte[0]);
            assertThat(tap.takeRecords()).extracting(r -> r.length).containsExactly(3 + 4 + 16);
        }
    }

    /** Record boundaries are invisible to the reader: any cut of the plaintext stream works. */
    @Test
    void messagesMaySplitAndShareRecordsArbitrarily() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeRecordsForTest(
                    new byte[0],
                    new byte[] {0, 0},
                    new byte[] {0, 3, 'a'},
                    new byte[0],
                    new byte[] {'b', 'c', 0, 0, 0, 1, 'x', 0, 0, 0, 0});
            tap.feedServerAndClose(tap.clientWire().toByteArray());
            assertThat(tap.server().readMessage()).asString(UTF_8).isEqualTo("abc");
            assertThat(tap.server().readMessage()).asString(UTF_8).isEqualTo("x");
            assertThat(tap.server().readMessage()).isEmpty();
        }
    }

    @Test
    void concurrentWritersAreSerialisedWhole() throws Exception {
        int writers = 4;
        int perWriter = 150;
        try (NoisePair pair = NoisePair.connect()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(executor.submit(() -> {
                    Random sizes = new Random(writer);
                    for (int seq = 0; seq < perWriter; seq++) {
                        pair.client().writeMessage(taggedMessage(writer, seq, sizes.nextInt(9_000)));
                    }
                    return null;
                }));
            }
            Map<Integer, Integer> nextSeq = new HashMap<>();
            for (int i = 0; i < writers * perWriter; i++) {
                ByteBuffer message = ByteBuffer.wrap(pair.server().readMessage());
                int writer = message.getInt();
                int seq = message.getInt();
                assertThat(seq).as("writer %d's order", writer).isEqualTo(nextSeq.getOrDefault(writer, 0));
                nextSeq.put(writer, seq + 1);
                assertThat(message.array()).isEqualTo(taggedMessage(writer, seq, message.capacity() - 8));
            }
            for (Future<?> future : futures) {
                future.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
            assertThat(nextSeq).hasSize(writers).allSatisfy((w, n) -> assertThat(n).isEqualTo(perWriter));
        }
    }

    @Test
    @SuppressWarnings("try") // closes the client inside its try block on purpose
    void overALoopbackSocket() throws Exception {
        MachinePrivateKey serverKey = MachinePrivateKey.generate();
        MachinePrivateKey machineKey = MachinePrivateKey.generate();
        byte[] bigUp = random(3 << 20, 2);
        byte[] bigDown = random(3 << 20, 3);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<NoiseConnection> accepted = executor.submit(() -> {
                Socket socket = listener.accept();
                byte[] initiation = NoiseServer.readInitiation(socket.getInputStream());
                return NoiseServer.accept(serverKey, initiation, v -> v == 1)
                        .respond(socket.getInputStream(), socket.getOutputStream());
            });
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            try (NoiseConnection client = NoiseClient.connect(socket.getInputStream(), socket.getOutputStream(),
                            machineKey, serverKey.publicKey(), 1, NoiseOptions.defaults());
                    NoiseConnection server = accepted.get(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                assertThat(server.peerKey()).isEqualTo(machineKey.publicKey());
                assertThat(client.peerKey()).isEqualTo(serverKey.publicKey());
                assertThat(client.handshakeHash()).isEqualTo(server.handshakeHash());

                // Both directions at once: neither side may wait for the other to read first.
                Future<?> up = executor.submit(() -> {
                    client.writeMessage(bigUp);
                    return null;
                });
                Future<?> down = executor.submit(() -> {
                    server.writeMessage(bigDown);
                    return null;
                });
                Future<byte[]> serverRead = executor.submit(server::readMessage);
                assertThat(client.readMessage()).isEqualTo(bigDown);
                assertThat(serverRead.get(DEADLINE_SECONDS, TimeUnit.SECONDS)).isEqualTo(bigUp);
                up.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                down.get(DEADLINE_SECONDS, TimeUnit.SECONDS);

                client.writeMessage(bytes("bye"));
                client.close();
                assertThat(socket.isClosed()).isTrue();
                assertThat(server.readMessage()).asString(UTF_8).isEqualTo("bye");
                assertThatThrownBy(server::readMessage).isInstanceOf(java.io.EOFException.class)
                        .hasMessage("peer closed the connection");
                assertThat(server.isOpen()).isFalse();
            }
        }
    }

    @Test
    void closeUnblocksAWaitingReaderAndEndsTheConnection() throws Exception {
        try (NoisePair pair = NoisePair.connect()) {
            Future<byte[]> reader = executor.submit(pair.server()::readMessage);
            pair.server().close();
            assertThat(pair.server().isOpen()).isFalse();
            try {
                reader.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError("read returned after close");
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class)
                        .hasMessageContaining("closed");
            }
            assertThatThrownBy(() -> pair.server().writeMessage(bytes("x")))
                    .isInstanceOf(IOException.class).hasMessage("Noise connection is closed");
            assertThatThrownBy(pair.server()::readMessage)
                    .isInstanceOf(IOException.class).hasMessage("Noise connection is closed");
            pair.server().close(); // idempotent
        }
    }

    @Test
    void writingMoreThanTheLimitIsRefusedAndHarmless() throws Exception {
        NoiseOptions small = NoiseOptions.defaults().withMaxMessageBytes(100);
        try (NoisePair pair = NoisePair.connect(small, small)) {
            assertThat(pair.client().maxMessageBytes()).isEqualTo(100);
            assertThatThrownBy(() -> pair.client().writeMessage(new byte[101]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("101 bytes exceeds the limit of 100");
            assertThat(pair.client().isOpen()).isTrue();
            pair.client().writeMessage(new byte[100]);
            assertThat(pair.server().readMessage()).hasSize(100);
        }
        assertThatThrownBy(() -> NoiseOptions.defaults().withMaxMessageBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(NoiseOptions.defaults().maxMessageBytes()).isEqualTo(32 << 20);
    }

    private static byte[] taggedMessage(int writer, int seq, int fillerLength) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + fillerLength).putInt(writer).putInt(seq);
        byte fill = (byte) (writer * 31 + seq);
        while (buffer.hasRemaining()) {
            buffer.put(fill++);
        }
        return buffer.array();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
