package dev.trellis.lab.mesh;

import dev.trellis.protocol.stun.StunException;
import dev.trellis.protocol.stun.StunMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A STUN responder for the lab's miniupnpd ({@link Nat#EDM_PMP}), run in the internet router
 * ({@code java … PlainStun PORT}, every address): Binding Success with XOR-MAPPED-ADDRESS and
 * FINGERPRINT, no SOFTWARE. miniupnpd 2.3.1 cannot parse a SOFTWARE value whose length is not a
 * multiple of four (it ignores the padding and calls the message truncated), so it cannot use
 * the relays' STUN servers to learn that its WAN address is its public one.
 */
public final class PlainStun {
  private PlainStun() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !args[0].matches("[0-9]{1,5}")) {
      System.err.println("usage: PlainStun PORT");
      System.exit(2);
    }
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(Integer.parseInt(args[0])));
      System.out.println("PlainStun listening on " + channel.getLocalAddress());
      ByteBuffer in = ByteBuffer.allocate(1500);
      while (true) {
        in.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(in);
        in.flip();
        try {
          StunMessage request = StunMessage.parse(in);
          if (request.type() == StunMessage.BINDING_REQUEST) {
            channel.send(ByteBuffer.wrap(StunMessage.bindingSuccess(request.transactionId(), from, "")), from);
          }
        } catch (StunException e) {
          System.out.println("ignored a datagram from " + from + ": " + e.getMessage());
        }
      }
    }
  }
}
