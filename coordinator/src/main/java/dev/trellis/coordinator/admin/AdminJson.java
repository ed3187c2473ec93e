package dev.trellis.coordinator.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trellis.protocol.json.TrellisJsonModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API's JSON: camelCase fields, instants as RFC 3339 UTC text, nulls written out (a
 * null key expiry means "never", which a missing field would not say). Reading is bounded
 * (nesting, string and number lengths) and strict about syntax: duplicate keys and trailing
 * content are errors.
 */
public final class AdminJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16)
                            .maxStringLength(64 * 1024)
                            .maxNumberLength(32)
                            .build())
                    .build())
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // Views are read by clients, which should accept fields a newer server adds.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new TrellisJsonModule())
            .build();

    private AdminJson() {}

    /** {@code value} as compact JSON followed by a newline (friendly to curl and shells). */
    public static byte[] write(Object value) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(value);
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 0, json.length);
            out[json.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Parses a JSON document; syntax errors throw with the parser's description of the problem. */
    public static JsonNode tree(byte[] json) throws IOException {
        JsonNode node = MAPPER.readTree(json);
        if (node == null || node.isMissingNode()) {
            throw new IOException("no JSON value");
        }
        return node;
    }

    /** The object in field {@code field} of a JSON object, as {@code type}. */
    public static <T> T field(byte[] json, String field, Class<T> type) throws IOException {
        JsonNode value = tree(json).get(field);
        if (value == null || value.isNull()) {
            throw new IOException("the answer has no '" + field + "'");
        }
        return MAPPER.treeToValue(value, type);
    }

    /** The array in field {@code field} of a JSON object, each element as {@code type}. */
    public static <T> List<T> list(byte[] json, String field, Class<T> type) throws IOException {
        JsonNode array = tree(json).get(field);
        if (array == null || !array.isArray()) {
            throw new IOException("the answer has no '" + field + "' list");
        }
        List<T> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            out.add(MAPPER.treeToValue(e, type));
        }
        return out;
    }
}
