package dev.trellis.protocol.disco;

import dev.trellis.protocol.key.DiscoPublicKey;
import java.util.Objects;

/** A decoded disco packet: who sealed it (authenticated by the box) and what it says. */
public record DiscoPacket(DiscoPublicKey sender, DiscoMessage message) {
    public DiscoPacket {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(message, "message");
    }
}
