package dev.trellis.coordinator.cmd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.RelayMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code serve --relay-map FILE}: the relay map as JSON with comments and trailing commas, in the
 * control protocol's own field names (what nodes receive), checked before the coordinator starts.
 */
final class RelayMapFile {
    private static final int MAX_BYTES = 1 << 20;
    private static final ObjectReader READER = ControlCodec.mapper().readerFor(RelayMap.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // an omitted STUNPort or InsecureForTests means 0 (no STUN) or false, as in docs/coordinator.md
            .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .with(JsonReadFeature.ALLOW_JAVA_COMMENTS).with(JsonReadFeature.ALLOW_TRAILING_COMMA);

    private RelayMapFile() {}

    static RelayMap read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": a relay map must be smaller than " + MAX_BYTES + " bytes");
        }
        RelayMap map;
        try {
            map = READER.readValue(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a relay map: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        }
        if (map == null) {
            throw new IllegalArgumentException(file + ": empty relay map");
        }
        try {
            return map.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }
}
