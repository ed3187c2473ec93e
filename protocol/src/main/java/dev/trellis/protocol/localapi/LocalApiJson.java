package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.trellis.protocol.json.TrellisJsonModule;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The LocalAPI's JSON mapping. Field names come from each record's {@code @JsonProperty}
 * (Tailscale's names are irregular: {@code TailscaleIPs}, {@code DNSName}, {@code AuthURL}), never
 * from a naming strategy; getters are not auto-detected, so helper methods on records never leak
 * into the JSON.
 *
 * <p>Writing: null, empty strings, empty lists and maps are left out, as Go's {@code omitempty};
 * booleans and numbers are written even when false or 0 unless the field says otherwise, as Go
 * does for fields without {@code omitempty}. Reading: unknown fields are ignored; types are
 * strict (no float-to-int or string-to-number coercion, as in Go); addresses are numeric only
 * and never resolved; nesting, string, name, number and document sizes are bounded.
 */
public final class LocalApiJson {
    /** Deepest nesting accepted; a netmap is about 8 deep. */
    public static final int MAX_DEPTH = 64;
    /** Longest string value accepted. */
    public static final int MAX_STRING_LENGTH = 1 << 20;
    /** Longest field name accepted. */
    public static final int MAX_NAME_LENGTH = 1024;
    /** Largest document accepted: a status or netmap of many thousands of peers fits. */
    public static final long MAX_DOCUMENT_LENGTH = 32L << 20;

    /** What Go prints for an unset {@code time.Time}; it reads as null. */
    static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private static final ObjectMapper MAPPER = mapper();

    private LocalApiJson() {}

    /** A new mapper configured for the LocalAPI; mappers are thread-safe once built. */
    public static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxNumberLength(40)
                        .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .defaultPropertyInclusion(JsonInclude.Value.construct(
                        JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
                .disable(MapperFeature.AUTO_DETECT_GETTERS)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(new TrellisJsonModule())
                .addModule(localApiModule())
                .build();
    }

    /** {@code value} as compact JSON. */
    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Our own records always serialize; failing here is a programming error.
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads one {@code type} from {@code json}. Fails with a message naming the type and what is
     * wrong, for input that is not JSON, is JSON {@code null}, has the wrong shape, or exceeds a
     * bound.
     */
    public static <T> T decode(byte[] json, Class<T> type) throws LocalApiJsonException {
        return decode(json, 0, json.length, type);
    }

    public static <T> T decode(byte[] json, int offset, int length, Class<T> type) throws LocalApiJsonException {
        String what = type.getSimpleName();
        try {
            T value = MAPPER.readValue(json, offset, length, type);
            if (value == null) {
                throw new LocalApiJsonException("malformed " + what + ": JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new LocalApiJsonException("malformed " + what + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LocalApiJsonException("unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private static SimpleModule localApiModule() {
        SimpleModule m = new SimpleModule("trellis-localapi");
        m.addSerializer(InetAddress.class, new JsonSerializer<>() {
            @Override
            public void serialize(InetAddress value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(IpLiterals.format(value.getAddress()));
            }
        });
        m.addDeserializer(InetAddress.class, new JsonDeserializer<>() {
            @Override
            public InetAddress deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = expectString(p, ctx, InetAddress.class);
                try {
                    return IpLiterals.toInetAddress(IpPrefix.parseNumericAddress(text));
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(text, InetAddress.class, e.getMessage());
                }
            }
        });
        // Later modules win, so this replaces TrellisJsonModule's Instant reader.
        m.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = expectString(p, ctx, Instant.class);
                try {
                    Instant t = Instant.parse(text);
                    return t.equals(GO_ZERO_TIME) ? null : t;
                } catch (DateTimeParseException e) {
                    throw ctx.weirdStringException(text, Instant.class, "not an RFC 3339 time");
                }
            }
        });
        m.addKeySerializer(NodePublicKey.class, new JsonSerializer<>() {
            @Override
            public void serialize(NodePublicKey value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeFieldName(value.toString());
            }
        });
        m.addKeyDeserializer(NodePublicKey.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctx) throws IOException {
                try {
                    return NodePublicKey.parse(key);
                } catch (IllegalArgumentException e) {
                    return ctx.handleWeirdKey(NodePublicKey.class, key, e.getMessage());
                }
            }
        });
        m.addSerializer(BackendState.class, new JsonSerializer<>() {
            @Override
            public void serialize(BackendState value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(value.tailscaleName());
            }
        });
        m.addDeserializer(BackendState.class, new JsonDeserializer<>() {
            @Override
            public BackendState deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = expectString(p, ctx, BackendState.class);
                try {
                    return BackendState.fromTailscaleName(text);
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(text, BackendState.class, e.getMessage());
                }
            }
        });
        return m;
    }

    private static String expectString(JsonParser p, DeserializationContext ctx, Class<?> type) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            ctx.reportInputMismatch(type, "expected a JSON string for %s, got %s",
                    type.getSimpleName(), p.currentToken());
        }
        return p.getText();
    }

    /** Writes {@link Notify#state()} as Tailscale's number. */
    static final class StateNumberSerializer extends JsonSerializer<BackendState> {
        @Override
        public void serialize(BackendState value, JsonGenerator gen, SerializerProvider p) throws IOException {
            gen.writeNumber(value.number());
        }
    }

    /** Reads {@link Notify#state()} from Tailscale's number; other numbers and types fail. */
    static final class StateNumberDeserializer extends JsonDeserializer<BackendState> {
        @Override
        public BackendState deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                return (BackendState) ctx.reportInputMismatch(BackendState.class,
                        "State must be a state number (0-6), got %s", p.currentToken());
            }
            try {
                return BackendState.fromNumber(p.getLongValue());
            } catch (IllegalArgumentException e) {
                return (BackendState) ctx.reportInputMismatch(BackendState.class, "%s", e.getMessage());
            }
        }
    }

    /** Writes a true flag as Go's empty message {@code {}} (false is left out). */
    static final class PresenceSerializer extends JsonSerializer<Boolean> {
        @Override
        public void serialize(Boolean value, JsonGenerator gen, SerializerProvider p) throws IOException {
            gen.writeStartObject();
            gen.writeEndObject();
        }
    }

    /** Reads an object (any content) as true and JSON null as false. */
    static final class PresenceDeserializer extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (Boolean) ctx.reportInputMismatch(Boolean.class,
                        "LoginFinished must be an object, got %s", p.currentToken());
            }
            p.skipChildren();
            return Boolean.TRUE;
        }

        @Override
        public Boolean getNullValue(DeserializationContext ctx) {
            return Boolean.FALSE;
        }
    }
}
