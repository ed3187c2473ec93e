package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trellis.protocol.json.TrellisJsonModule;
import java.io.IOException;

/**
 * Encodes and decodes {@link ControlMessage}s as JSON with Tailscale-style field names
 * ({@code NodeKey}, {@code PeersChanged}). Unknown fields are ignored, so that either side may
 * add fields without a version bump; nulls are left out. Decoding is bounded: nesting depth,
 * string and number lengths are capped, and every failure is a {@link ControlProtocolException}
 * saying what was wrong.
 */
public final class ControlCodec {
    private static final ObjectMapper MAPPER = mapper();

    private ControlCodec() {}

    /** The mapper behind the codec, for tests and tools that print messages. */
    public static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                // Jackson's default keeps a buffer set per thread; with a virtual thread per
                // connection and per map stream that is some 20 KiB for each of thousands of
                // threads. A shared pool needs only as many as encode at once.
                .recyclerPool(JsonRecyclerPools.newLockFreePool())
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(1 << 20)
                        .maxNumberLength(40)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addModule(new TrellisJsonModule())
                .build();
    }

    public static byte[] encode(ControlMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            // Our own records always serialize; failing here is a programming error.
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * One value as it appears inside a message (a node, a list of patches, an instant): the
     * bytes {@link #encode} writes for that field, for {@link PreparedMapResponse} to splice.
     */
    static byte[] encodeValue(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static ControlMessage decode(byte[] json) throws ControlProtocolException {
        try {
            ControlMessage message = MAPPER.readValue(json, ControlMessage.class);
            if (message == null) {
                throw new ControlProtocolException("control message is JSON null");
            }
            return message;
        } catch (JsonProcessingException e) {
            throw new ControlProtocolException("malformed control message: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ControlProtocolException("unreadable control message: " + e.getMessage(), e);
        }
    }
}
