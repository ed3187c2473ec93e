package dev.trellis.engine.natlab;

import java.net.InetAddress;

/** A machine's attachment to one network, with its address there. */
public record Interface(Machine machine, Network network, InetAddress address) {
    @Override
    public String toString() {
        return machine.name() + "/" + network.name() + "/" + address.getHostAddress();
    }
}
