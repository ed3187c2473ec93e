package dev.trellis.daemon.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the daemon's {@link NodeState} ({@code state.json}) and last netmap
 * ({@code netmap.json}, kept as the full map message that rebuilds it) in a {@link StateDir}.
 * A file that can't be read is reported with its path and what to do, never silently replaced:
 * replacing the state would throw away the node's identity.
 */
public final class StateStore {
    static final String STATE = "state.json";
    static final String NETMAP = "netmap.json";

    private final StateDir dir;
    private final ObjectMapper json;

    public StateStore(StateDir dir) {
        this.dir = dir;
        this.json = ControlCodec.mapper().registerModule(secretKeys());
    }

    /** The saved state, or a fresh one (saved at once) on first start. */
    public NodeState loadOrCreate() throws IOException {
        Optional<byte[]> raw = dir.read(STATE);
        if (raw.isEmpty()) {
            NodeState fresh = NodeState.fresh();
            save(fresh);
            return fresh;
        }
        try {
            NodeState s = json.readValue(raw.get(), NodeState.class);
            if (s == null) {
                throw new IOException("empty");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + dir.path().resolve(STATE) + " (" + e.getMessage()
                    + "); restore it from a backup, or delete it to start as a new node", e);
        }
    }

    public void save(NodeState state) throws IOException {
        dir.write(STATE, json.writeValueAsBytes(state));
    }

    /** The last netmap, or empty if there is none or it can't be read (it is only a cache). */
    public Optional<NetMap> loadNetMap() {
        try {
            Optional<byte[]> raw = dir.read(NETMAP);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            ControlMessage m = ControlCodec.decode(raw.get());
            return m instanceof MapResponse r && r.isFull() ? Optional.of(NetMap.of(r)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            System.getLogger("trellis.daemon.state").log(System.Logger.Level.WARNING,
                    "ignoring unreadable " + NETMAP + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    public void saveNetMap(NetMap map) throws IOException {
        MapResponse full = new MapResponse(0, 1, false, map.self(), List.copyOf(map.peers().values()), null, null,
                null, map.packetFilter(), map.dns(), new ArrayList<>(map.users().values()), map.controlTime(), null);
        dir.write(NETMAP, ControlCodec.encode(full));
    }

    public void deleteNetMap() throws IOException {
        dir.delete(NETMAP);
    }

    /** Private keys in their explicit secret text form; only this file ever holds them. */
    private static SimpleModule secretKeys() {
        SimpleModule m = new SimpleModule("trellis-state");
        m.addSerializer(MachinePrivateKey.class, new JsonSerializer<>() {
            @Override
            public void serialize(MachinePrivateKey k, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(k.toSecretText());
            }
        });
        m.addDeserializer(MachinePrivateKey.class, new JsonDeserializer<>() {
            @Override
            public MachinePrivateKey deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return MachinePrivateKey.parseSecretText(p.getValueAsString());
            }
        });
        m.addSerializer(NodePrivateKey.class, new JsonSerializer<>() {
            @Override
            public void serialize(NodePrivateKey k, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString("privkey:" + k.toHex());
            }
        });
        m.addDeserializer(NodePrivateKey.class, new JsonDeserializer<>() {
            @Override
            public NodePrivateKey deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String text = p.getValueAsString();
                if (text == null || !text.startsWith("privkey:")) {
                    throw c.weirdStringException(text, NodePrivateKey.class, "expected privkey:<hex>");
                }
                return NodePrivateKey.fromHex(text.substring("privkey:".length()));
            }
        });
        return m;
    }
}
