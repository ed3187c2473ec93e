package dev.trellis.protocol.noise;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** What a reader does with records that are not the next honest one. */
@Timeout(60)
class NoiseRecordTest {

    @Test
    void replayedRecordIsRefused() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeMessage(bytes("one"));
            tap.client().writeMessage(bytes("two"));
            byte[] first = tap.takeRecords().get(0);
            tap.feedServerAndClose(first, first);
            assertThat(tap.server().readMessage()).asString(UTF_8).isEqualTo("one");
            assertThatThrownBy(tap.server()::readMessage)
                    .isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("transport record 1 failed authentication");
            assertThat(tap.server().isOpen()).isFalse();
        }
    }

    @Test
    void reorderedOrDroppedRecordIsRefused() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeMessage(bytes("one"));
            tap.client().writeMessage(bytes("two"));
            List<byte[]> records = tap.takeRecords();
            tap.feedServerAndClose(records.get(1), records.get(0));
            assertThatThrownBy(tap.server()::readMessage)
                    .isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("transport record 0 failed authentication");
        }
    }

    @Test
    void recordFromAnotherSessionIsRefused() throws Exception {
        try (Wiretap a = Wiretap.open(); Wiretap b = Wiretap.open()) {
            a.client().writeMessage(bytes("for a"));
            b.feedServerAndClose(a.takeRecords().get(0));
            assertThatThrownBy(b.server()::readMessage).isExactlyInstanceOf(NoiseException.class);
        }
    }

    @Test
    void everyTamperedRecordByteIsRefused() throws Exception {
        int recordLength = 3 + 4 + 5 + 16;
        for (int position = 0; position < recordLength; position++) {
            try (Wiretap tap = Wiretap.open()) {
                tap.client().writeMessage(bytes("hello"));
                byte[] record = tap.takeRecords().get(0);
                assertThat(record).hasSize(recordLength);
                record[position] ^= 0x01;
                tap.feedServerAndClose(record);
                Executable read = tap.server()::readMessage;
                String what = "byte " + position;
                if (position == 0) {
                    assertThatThrownBy(read::execute).as(what).isExactlyInstanceOf(NoiseException.class)
                            .hasMessageContaining("unexpected message type 5");
                } else if (position <= 2) {
                    // A changed length: shorter fails the tag, longer runs out of stream
                    assertThatThrownBy(read::execute).as(what)
                            .isInstanceOfAny(NoiseException.class, EOFException.class);
                } else {
                    assertThatThrownBy(read::execute).as(what).isExactlyInstanceOf(NoiseException.class);
                }
            }
        }
    }

    /** Header checks come before reading the body, so a lying header cannot make us wait. */
    @Test
    void badRecordHeadersAreRefusedBeforeTheBody() throws Exception {
        byte[][] headers = {
            {4, 0x10, 0x01}, {4, (byte) 0xFF, (byte) 0xFF}, {4, 0, 15}, {4, 0, 0}, {2, 0, 48}, {1, 0, 96},
        };
        String[] messages = {
            "4097 bytes exceeds the limit of 4096", "65535 bytes exceeds", "15 bytes is shorter than its tag",
            "0 bytes is shorter", "unexpected message type 2", "unexpected message type 1",
        };
        for (int i = 0; i < headers.length; i++) {
            try (Wiretap tap = Wiretap.open()) {
                tap.serverInput().out.write(headers[i]); // and no end of stream: reading on would hang
                assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(NoiseException.class)
                        .hasMessageContaining(messages[i]);
            }
        }
    }

    @Test
    void oversizeMessageLengthIsRefusedWithoutAllocating() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeRecordsForTest(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            tap.serverInput().out.write(tap.clientWire().toByteArray()); // stream stays open
            long before = allocatedBytes();
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("message of 4294967295 bytes; the limit is 33554432");
            assertThat(allocatedBytes() - before).isLessThan(1 << 20);
        }
        NoiseOptions small = NoiseOptions.defaults().withMaxMessageBytes(1000);
        try (Wiretap tap = Wiretap.open(NoiseOptions.defaults(), small)) {
            tap.client().writeMessage(new byte[1001]);
            tap.serverInput().out.write(tap.clientWire().toByteArray());
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("message of 1001 bytes; the limit is 1000");
        }
    }

    /** A length under the limit is believed only as far as bytes arrive. */
    @Test
    void claimedLengthIsNotAllocatedUpFront() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeRecordsForTest(new byte[] {0x01, (byte) 0xE0, 0, 0, 'a', 'b', 'c'}); // 30 MiB
            long before = allocatedBytes();
            tap.feedServerAndClose(tap.clientWire().toByteArray());
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(EOFException.class)
                    .hasMessage("stream ended inside a message");
            assertThat(allocatedBytes() - before).isLessThan(1 << 20);
        }
    }

    @Test
    void truncatedStreamsAreEndOfStream() throws Exception {
        try (Wiretap tap = Wiretap.open()) {
            tap.feedServerAndClose();
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(EOFException.class)
                    .hasMessage("peer closed the connection");
        }
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeMessage(new byte[10_000]);
            List<byte[]> records = tap.takeRecords();
            assertThat(records).hasSize(3);
            for (byte[] cut : new byte[][] {
                Arrays.copyOf(records.get(0), 2),
                Arrays.copyOf(records.get(0), 3),
                Arrays.copyOf(records.get(0), 100),
                Arrays.copyOf(records.get(0), records.get(0).length - 1),
            }) {
                try (Wiretap fresh = Wiretap.open()) {
                    fresh.client().writeMessage(new byte[10_000]);
                    byte[] record = fresh.takeRecords().get(0);
                    fresh.feedServerAndClose(Arrays.copyOf(record, cut.length));
                    assertThatThrownBy(fresh.server()::readMessage).as("%d bytes", cut.length)
                            .isExactlyInstanceOf(EOFException.class);
                }
            }
        }
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeMessage(new byte[10_000]);
            tap.feedServerAndClose(tap.takeRecords().get(0)); // a whole record, then nothing
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(EOFException.class)
                    .hasMessage("stream ended inside a message");
        }
        try (Wiretap tap = Wiretap.open()) {
            tap.client().writeRecordsForTest(new byte[] {0, 0}); // half a length prefix
            tap.feedServerAndClose(tap.clientWire().toByteArray());
            assertThatThrownBy(tap.server()::readMessage).isExactlyInstanceOf(EOFException.class);
        }
    }

    /**
     * Running out of send nonces refuses the message that would not fit and closes the connection,
     * so the peer reads every whole message and then a clean end of stream.
     */
    @Test
    void sendNonceExhaustionEndsTheConnectionAtAMessageBoundary() throws Exception {
        NoiseOptions threeRecords = NoiseOptions.defaults().withRecordLimit(3);
        try (NoisePair pair = NoisePair.connect(threeRecords, NoiseOptions.defaults())) {
            pair.client().writeMessage(bytes("one"));
            pair.client().writeMessage(new byte[5_000]); // two records: the key's last two
            assertThatThrownBy(() -> pair.client().writeMessage(bytes("three")))
                    .isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("send nonces exhausted after 3 records");
            assertThat(pair.client().isOpen()).isFalse();
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("one");
            assertThat(pair.server().readMessage()).hasSize(5_000);
            assertThatThrownBy(pair.server()::readMessage).isExactlyInstanceOf(EOFException.class)
                    .hasMessage("peer closed the connection");
        }
        NoiseOptions twoRecords = NoiseOptions.defaults().withRecordLimit(2);
        try (NoisePair pair = NoisePair.connect(twoRecords, NoiseOptions.defaults())) {
            pair.client().writeMessage(bytes("one"));
            assertThatThrownBy(() -> pair.client().writeMessage(new byte[5_000]))
                    .isExactlyInstanceOf(NoiseException.class);
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("one");
            assertThatThrownBy(pair.server()::readMessage).isExactlyInstanceOf(EOFException.class);
        }
    }

    @Test
    void receiveNonceExhaustionIsAProtocolError() throws Exception {
        NoiseOptions oneRecord = NoiseOptions.defaults().withRecordLimit(1);
        try (NoisePair pair = NoisePair.connect(NoiseOptions.defaults(), oneRecord)) {
            pair.client().writeMessage(bytes("one"));
            pair.client().writeMessage(bytes("two"));
            assertThat(pair.server().readMessage()).asString(UTF_8).isEqualTo("one");
            assertThatThrownBy(pair.server()::readMessage).isExactlyInstanceOf(NoiseException.class)
                    .hasMessageContaining("receive nonces exhausted after 1 records");
        }
    }

    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return threads.getCurrentThreadAllocatedBytes();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
