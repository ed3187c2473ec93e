package dev.trellis.engine.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A PCP/NAT-PMP server on 127.0.0.1 (any port) that grants what it is asked, as a test scripts
 * it: PCP and NAT-PMP, or NAT-PMP only (answering PCP with "unsupported version"), a forced
 * result code, silence, or junk sent ahead of every real answer. It records every request.
 */
final class FakeGateway implements AutoCloseable {
    /** The external address it claims (198.18.0.0/15, the lab's range: only data here). */
    static final InetAddress EXTERNAL = NatPmp.address(new byte[] {(byte) 198, 18, 99, 1});

    /** One request as it arrived. {@code version} 0 is NAT-PMP, 2 PCP. */
    record Request(int version, int opcode, int internalPort, int suggestedPort, long lifetime, byte[] nonce,
            InetAddress client) {}

    private final DatagramSocket socket;
    private final Thread thread;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile boolean pcp = true;
    volatile boolean silent;
    volatile int resultCode;
    volatile long grantedLifetime = 3600;
    /** Datagrams sent before each real answer, e.g. short or malformed ones. */
    volatile List<byte[]> junkFirst = List.of();
    /** Only junk, never a real answer. */
    volatile boolean junkOnly;

    FakeGateway() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofVirtual().name("fake-gateway").start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    InetAddress address() {
        return socket.getLocalAddress();
    }

    List<Request> requests(int version, int opcode) {
        return requests.stream().filter(r -> r.version == version && r.opcode == opcode).toList();
    }

    private void serve() {
        byte[] buffer = new byte[1100];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
                byte[] reply = answer(Arrays.copyOf(p.getData(), p.getLength()));
                if (reply == null || silent) {
                    continue;
                }
                for (byte[] junk : junkFirst) {
                    socket.send(new DatagramPacket(junk, junk.length, p.getSocketAddress()));
                }
                if (!junkOnly) {
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private byte[] answer(byte[] q) {
        if (q.length < 2) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(q);
        int version = q[0] & 0xff;
        int opcode = q[1] & 0x7f;
        if (version == 2 && q.length == Pcp.MAP_LENGTH) {
            byte[] nonce = Arrays.copyOfRange(q, 24, 36);
            InetAddress client = NatPmp.address(Arrays.copyOfRange(q, 8, 24));
            requests.add(new Request(2, opcode, b.getShort(40) & 0xffff, b.getShort(42) & 0xffff,
                    b.getInt(4) & 0xffffffffL, nonce, client));
            if (!pcp) {
                return ByteBuffer.allocate(8).put((byte) 0).put((byte) (128 + opcode)).putShort((short) 1)
                        .putInt(77).array();
            }
            ByteBuffer r = ByteBuffer.allocate(Pcp.MAP_LENGTH);
            long lifetime = b.getInt(4) == 0 ? 0 : Math.min(grantedLifetime, b.getInt(4) & 0xffffffffL);
            r.put((byte) 2).put((byte) (0x80 | opcode)).put((byte) 0).put((byte) resultCode)
                    .putInt((int) (resultCode == 0 ? lifetime : 0)).putInt(77).put(new byte[12]);
            r.put(nonce).put((byte) 17).put(new byte[3]).putShort(b.getShort(40)).putShort(externalPort(b.getShort(42)));
            r.put(Pcp.sixteen(EXTERNAL));
            return r.array();
        }
        if (version == 0 && opcode == 0 && q.length == 2) {
            requests.add(new Request(0, 0, 0, 0, 0, null, null));
            ByteBuffer r = ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) resultCode).putInt(77);
            r.put(EXTERNAL.getAddress());
            return r.array();
        }
        if (version == 0 && opcode == 1 && q.length == 12) {
            long asked = b.getInt(8) & 0xffffffffL;
            requests.add(new Request(0, 1, b.getShort(4) & 0xffff, b.getShort(6) & 0xffff, asked, null, null));
            long lifetime = asked == 0 ? 0 : Math.min(grantedLifetime, asked);
            return ByteBuffer.allocate(16).put((byte) 0).put((byte) 129).putShort((short) resultCode).putInt(77)
                    .putShort(b.getShort(4)).putShort(asked == 0 ? 0 : externalPort(b.getShort(6)))
                    .putInt((int) lifetime).array();
        }
        return null;
    }

    /** The suggested port, or 40000 when none was suggested. */
    private static short externalPort(short suggested) {
        return suggested == 0 ? (short) 40000 : suggested;
    }

    static List<byte[]> junk(byte[]... datagrams) {
        return new ArrayList<>(List.of(datagrams));
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
