package dev.trellis.protocol.noise;

import dev.trellis.protocol.key.MachinePrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A connected pair in which the client's records land in a buffer instead of reaching the server,
 * and the server reads only what the test feeds it: for replaying, reordering, cutting and forging
 * records.
 */
record Wiretap(RealNoiseConnection client, ByteArrayOutputStream clientWire, RealNoiseConnection server,
        MemoryPipe serverInput) implements AutoCloseable {

    static Wiretap open() throws IOException {
        return open(NoiseOptions.defaults(), NoiseOptions.defaults());
    }

    static Wiretap open(NoiseOptions clientOptions, NoiseOptions serverOptions) throws IOException {
        MachinePrivateKey serverKey = MachinePrivateKey.generate();
        NoiseClient.Pending pending = NoiseClient.start(MachinePrivateKey.generate(), serverKey.publicKey(), 1);
        MemoryPipe toClient = new MemoryPipe();
        MemoryPipe serverInput = new MemoryPipe(1 << 20);
        NoiseConnection server = NoiseServer.accept(serverKey, pending.initiation(), v -> true)
                .respond(serverInput.in, toClient.out, serverOptions);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        NoiseConnection client = pending.finish(toClient.in, wire, clientOptions);
        return new Wiretap((RealNoiseConnection) client, wire, (RealNoiseConnection) server, serverInput);
    }

    /** The records the client has written since the last call, each with its 3-byte header. */
    List<byte[]> takeRecords() {
        byte[] bytes = clientWire.toByteArray();
        clientWire.reset();
        List<byte[]> records = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            int end = offset + Wire.HEADER_LENGTH + Wire.getU16(bytes, offset + 1);
            records.add(Arrays.copyOfRange(bytes, offset, end));
            offset = end;
        }
        return records;
    }

    /** Feeds the server these bytes, then end of stream. */
    void feedServerAndClose(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            serverInput.out.write(part);
        }
        serverInput.out.close();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
