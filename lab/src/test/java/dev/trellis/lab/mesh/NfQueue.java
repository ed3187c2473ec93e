package dev.trellis.lab.mesh;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * One netfilter queue ({@code iptables … -j NFQUEUE --queue-num N}) bound over a raw netlink
 * socket, through the FFM API: packets queued there are announced by id (metadata only, no
 * payload) and stay in the kernel until {@link #verdict} accepts or drops them, in any order. The
 * queue fails open: when it is full the kernel lets packets through rather than dropping them.
 *
 * <p>Netlink headers are in host byte order, nfnetlink's queue id and the queue's attribute
 * payloads in network byte order. Every received message and attribute is length-checked before
 * it is read.
 */
final class NfQueue implements AutoCloseable {
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_NETFILTER = 12;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_RCVBUFFORCE = 33;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_NO_ENOBUFS = 5;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;
  private static final int NLMSG_HDRLEN = 16;
  private static final int NLM_F_REQUEST = 1;
  private static final int NLM_F_ACK = 4;
  private static final int NLMSG_ERROR = 2;
  private static final int SUBSYS_QUEUE = 3 << 8;
  private static final int MSG_PACKET = SUBSYS_QUEUE;
  private static final int MSG_VERDICT = SUBSYS_QUEUE | 1;
  private static final int MSG_CONFIG = SUBSYS_QUEUE | 2;
  private static final int CFG_CMD = 1;
  private static final int CFG_PARAMS = 2;
  private static final int CFG_QUEUE_MAXLEN = 3;
  private static final int CFG_MASK = 4;
  private static final int CFG_FLAGS = 5;
  private static final int CMD_BIND = 1;
  private static final int COPY_META = 1;
  private static final int F_FAIL_OPEN = 1;
  private static final int PACKET_HDR = 1;
  private static final int VERDICT_HDR = 2;
  private static final int MAX_MESSAGE = 1 << 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETSOCKOPT = libc("setsockopt",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SEND = libc("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private final int fd;
  private final int queue;
  private int sequence;

  private NfQueue(int fd, int queue) {
    this.fd = fd;
    this.queue = queue;
  }

  /** Binds queue {@code queue} (0..65535) in the caller's network namespace; fails if another process holds it. */
  static NfQueue bind(int queue, int maxLength) throws IOException {
    if (queue < 0 || queue > 0xffff) {
      throw new IllegalArgumentException("queue number must be 0..65535: " + queue);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(CAPTURE);
      int fd = (int) SOCKET.invokeExact(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
      check(fd, errno, "socket(AF_NETLINK, NETLINK_NETFILTER)");
      NfQueue q = new NfQueue(fd, queue);
      try {
        MemorySegment address = arena.allocate(12); // sockaddr_nl: family, pad, pid 0 (kernel assigns), groups 0
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
        check((int) BIND.invokeExact(errno, fd, address, 12), errno, "bind(netlink)");
        q.option(arena, SOL_SOCKET, SO_RCVBUFFORCE, intValue(arena, 8 << 20), "SO_RCVBUFFORCE");
        q.option(arena, SOL_NETLINK, NETLINK_NO_ENOBUFS, intValue(arena, 1), "NETLINK_NO_ENOBUFS");
        MemorySegment timeout = arena.allocate(16); // struct timeval: 200 ms, so the loop sees a stop request
        timeout.set(JAVA_LONG, 8, 200_000);
        q.option(arena, SOL_SOCKET, SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
        q.configure(new Attr(CFG_CMD, ByteBuffer.allocate(4).put((byte) CMD_BIND).put((byte) 0).putShort((short) 0)));
        q.configure(new Attr(CFG_PARAMS, ByteBuffer.allocate(5).putInt(0).put((byte) COPY_META)));
        q.configure(new Attr(CFG_QUEUE_MAXLEN, ByteBuffer.allocate(4).putInt(maxLength)));
        q.configure(new Attr(CFG_FLAGS, ByteBuffer.allocate(4).putInt(F_FAIL_OPEN)),
            new Attr(CFG_MASK, ByteBuffer.allocate(4).putInt(F_FAIL_OPEN)));
        return q;
      } catch (Throwable e) {
        q.close();
        throw e;
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native call failed: " + t, t);
    }
  }

  /**
   * Waits up to 200 ms for queued packets and hands each one's id to {@code onPacket}; returns
   * how many there were (0 on timeout).
   */
  int receive(MemorySegment buffer, IntConsumer onPacket) throws IOException {
    long n;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(CAPTURE);
      n = (long) RECV.invokeExact(errno, fd, buffer, buffer.byteSize(), 0);
      if (n < 0) {
        int code = (int) ERRNO.get(errno, 0L);
        if (code == EAGAIN || code == EINTR) {
          return 0;
        }
        throw new IOException("recv on netfilter queue " + queue + ": errno " + code);
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native recv failed: " + t, t);
    }
    ByteBuffer in = buffer.asSlice(0, n).asByteBuffer().order(ByteOrder.nativeOrder());
    int packets = 0;
    while (in.remaining() >= NLMSG_HDRLEN) {
      int start = in.position();
      int length = in.getInt(start);
      int type = Short.toUnsignedInt(in.getShort(start + 4));
      if (length < NLMSG_HDRLEN || length > in.remaining()) {
        throw new IOException("netlink message of length " + length + " with " + in.remaining() + " bytes left");
      }
      if (type == NLMSG_ERROR && length >= NLMSG_HDRLEN + 4 && in.getInt(start + NLMSG_HDRLEN) != 0) {
        // A verdict the kernel refused (e.g. for a packet it already dropped): worth a line, not a stop.
        System.err.println("nfqueue " + queue + ": kernel error " + in.getInt(start + NLMSG_HDRLEN));
      } else if (type == MSG_PACKET) {
        int id = packetId(in.slice(start, length).order(ByteOrder.nativeOrder()));
        if (id >= 0) {
          onPacket.accept(id);
          packets++;
        }
      }
      in.position(Math.min(in.limit(), start + align(length)));
    }
    return packets;
  }

  /** The packet id of a PACKET message, or -1 if it has none (never expected). */
  private static int packetId(ByteBuffer message) {
    int at = NLMSG_HDRLEN + 4; // after nfgenmsg
    while (at + 4 <= message.limit()) {
      int length = Short.toUnsignedInt(message.getShort(at));
      int type = message.getShort(at + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
      if (length < 4 || at + length > message.limit()) {
        return -1;
      }
      if (type == PACKET_HDR && length >= 4 + 4) {
        return message.order(ByteOrder.BIG_ENDIAN).getInt(at + 4);
      }
      at += align(length);
    }
    return -1;
  }

  /** Accepts or drops queued packet {@code id}; safe from any thread. */
  void verdict(int id, boolean accept) throws IOException {
    send(MSG_VERDICT, NLM_F_REQUEST, new Attr(VERDICT_HDR, ByteBuffer.allocate(8).putInt(accept ? 1 : 0).putInt(id)));
  }

  /** A netlink attribute; {@code value} is written up to its position (the caller's puts). */
  private record Attr(int type, ByteBuffer value) {
    byte[] bytes() {
      return java.util.Arrays.copyOf(value.array(), value.position());
    }
  }

  private void configure(Attr... attrs) throws IOException {
    send(MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, attrs);
    awaitAck(attrs[0].type());
  }

  private synchronized void send(int type, int flags, Attr... attrs) throws IOException {
    int length = NLMSG_HDRLEN + 4;
    for (Attr attr : attrs) {
      length += align(4 + attr.bytes().length);
    }
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    out.putInt(length).putShort((short) type).putShort((short) flags).putInt(++sequence).putInt(0);
    // nfgenmsg: family AF_UNSPEC, version 0, the queue number in network byte order
    out.put((byte) 0).put((byte) 0).put((byte) (queue >>> 8)).put((byte) queue);
    for (Attr attr : attrs) {
      byte[] value = attr.bytes();
      int start = out.position();
      out.putShort((short) (4 + value.length)).putShort((short) attr.type()).put(value);
      out.position(start + align(4 + value.length));
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment message = arena.allocate(length);
      message.copyFrom(MemorySegment.ofArray(out.array()));
      MemorySegment errno = arena.allocate(CAPTURE);
      long sent = (long) SEND.invokeExact(errno, fd, message, (long) length, 0);
      if (sent != length) {
        throw new IOException("send to netfilter queue " + queue + " failed: errno " + (int) ERRNO.get(errno, 0L));
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native send failed: " + t, t);
    }
  }

  private void awaitAck(int attr) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(MAX_MESSAGE);
      MemorySegment errno = arena.allocate(CAPTURE);
      long n = (long) RECV.invokeExact(errno, fd, buffer, (long) MAX_MESSAGE, 0);
      if (n < NLMSG_HDRLEN + 4) {
        throw new IOException("no acknowledgement from the kernel for queue " + queue + " setting " + attr
            + " (errno " + (int) ERRNO.get(errno, 0L) + ")");
      }
      ByteBuffer in = buffer.asSlice(0, n).asByteBuffer().order(ByteOrder.nativeOrder());
      int error = in.getShort(4) == NLMSG_ERROR ? in.getInt(NLMSG_HDRLEN) : 0;
      if (error != 0) {
        throw new IOException("the kernel refused setting " + attr + " of netfilter queue " + queue + ": errno "
            + -error + (-error == 16 ? " (EBUSY: another process holds the queue)" : ""));
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native recv failed: " + t, t);
    }
  }

  private void option(Arena arena, int level, int name, MemorySegment value, String what) throws Throwable {
    MemorySegment errno = arena.allocate(CAPTURE);
    check((int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, (int) value.byteSize()), errno, what);
  }

  private static MemorySegment intValue(Arena arena, int value) {
    MemorySegment segment = arena.allocate(JAVA_INT);
    segment.set(JAVA_INT, 0, value);
    return segment;
  }

  private static void check(int result, MemorySegment errno, String what) throws IOException {
    if (result < 0) {
      throw new IOException(what + " failed: errno " + (int) ERRNO.get(errno, 0L));
    }
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }

  private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
        () -> new IllegalStateException("libc has no " + name)), descriptor, Linker.Option.captureCallState("errno"));
  }

  @Override
  public void close() {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
    } catch (Throwable t) {
      // closing a socket of a process about to exit; nothing to do about a failure
    }
  }
}
