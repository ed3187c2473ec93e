package dev.trellis.protocol.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * JSON forms of Trellis's value types: keys as their prefixed text ({@code nodekey:…}), prefixes
 * as {@code 100.64.0.1/32}, instants as RFC 3339 UTC text. A malformed value fails the whole
 * message with an error naming the field, rather than turning into null.
 */
public final class TrellisJsonModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    public TrellisJsonModule() {
        super("trellis");
        text(NodePublicKey.class, NodePublicKey::parse);
        text(MachinePublicKey.class, MachinePublicKey::parse);
        text(IpPrefix.class, IpPrefix::parse);
        text(Instant.class, Instant::parse);
    }

    /** Registers {@code type} as a JSON string written by toString() and read by {@code parse}. */
    public <T> void text(Class<T> type, Function<String, T> parse) {
        addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return type.cast(ctx.handleUnexpectedToken(type, p));
                }
                String text = p.getText();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw ctx.weirdStringException(text, type, e.getMessage());
                }
            }
        });
    }
}
