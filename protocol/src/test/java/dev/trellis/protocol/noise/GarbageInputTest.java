package dev.trellis.protocol.noise;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.MachinePrivateKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random input, with and without plausible headers, only ever ends in an IOException (never
 * another exception, a hang or a large allocation). A fixed seed keeps it deterministic; a
 * coverage-guided fuzzer would search the same entry points further.
 */
@Timeout(60)
class GarbageInputTest {
    private static final int ROUNDS = 300;
    private final Random random = new Random(20261125);
    private final MachinePrivateKey serverKey = MachinePrivateKey.generate();
    private final MachinePrivateKey machineKey = MachinePrivateKey.generate();

    @Test
    void garbageInitiations() {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] initiation = randomBytes(i % 2 == 0 ? 101 : random.nextInt(200));
            if (i % 2 == 0) {
                initiation[0] = 0;
                initiation[1] = 1;
                initiation[2] = 1;
                initiation[3] = 0;
                initiation[4] = 96;
            }
            assertThatThrownBy(() -> NoiseServer.accept(serverKey, initiation, v -> true))
                    .isInstanceOf(NoiseException.class);
            // Framing alone: returning the bytes is fine, failing must be an IOException.
            try {
                NoiseServer.readInitiation(new ByteArrayInputStream(initiation));
            } catch (IOException expected) {
                // refused or truncated
            }
        }
    }

    @Test
    void garbageResponses() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] response = randomBytes(i % 2 == 0 ? 51 : random.nextInt(200));
            if (i % 2 == 0) {
                response[0] = 2;
                response[1] = 0;
                response[2] = 48;
            }
            NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), 1);
            assertThatThrownBy(() -> pending.finish(new ByteArrayInputStream(response),
                    OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void garbageRecords() throws Exception {
        for (int i = 0; i < ROUNDS / 10; i++) {
            try (Wiretap tap = Wiretap.open()) {
                int length = random.nextInt(4097);
                byte[] record = randomBytes(3 + length);
                if (i % 3 != 0) {
                    record[0] = 4;
                    Wire.putU16(record, 1, length);
                }
                tap.feedServerAndClose(record);
                assertThatThrownBy(tap.server()::readMessage).isInstanceOf(IOException.class);
            }
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
