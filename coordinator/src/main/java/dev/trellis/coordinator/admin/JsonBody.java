package dev.trellis.coordinator.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpStatusException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON object, read strictly: at most {@link AdminApi#MAX_BODY_BYTES}, one object,
 * only the fields the request takes, each of the right type. Every violation is a 400 (413 for
 * size) naming the field, so a typo is an error rather than silently ignored.
 */
final class JsonBody {
    private final ObjectNode object;

    private JsonBody(ObjectNode object) {
        this.object = object;
    }

    /**
     * Reads the body and checks that it has only {@code allowed} fields.
     *
     * @param optional an empty body means {@code {}}
     */
    static JsonBody read(HttpExchange ex, boolean optional, String... allowed) throws AdminApiException, IOException {
        long declared = ex.requestHeaders().first("Content-Length").map(JsonBody::parseLength).orElse(-1L);
        if (declared > AdminApi.MAX_BODY_BYTES) {
            throw AdminApiException.tooLarge(AdminApi.MAX_BODY_BYTES);
        }
        byte[] bytes;
        try {
            bytes = ex.body();
        } catch (HttpStatusException e) {
            if (e.status() == 413) {
                throw AdminApiException.tooLarge(AdminApi.MAX_BODY_BYTES);
            }
            throw new AdminApiException(e.status(), "bad_request", e.getMessage());
        }
        if (bytes.length > AdminApi.MAX_BODY_BYTES) {
            throw AdminApiException.tooLarge(AdminApi.MAX_BODY_BYTES);
        }
        JsonBody body = new JsonBody(parse(bytes, optional));
        body.allowOnly(allowed);
        return body;
    }

    private static ObjectNode parse(byte[] bytes, boolean optional) throws AdminApiException {
        if (isBlank(bytes)) {
            if (optional) {
                return JsonNodeFactory.instance.objectNode();
            }
            throw new AdminApiException(400, "invalid_json", "this request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = AdminJson.tree(bytes);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new AdminApiException(400, "invalid_json", "invalid JSON" + (at == null ? "" : " at line "
                    + at.getLineNr() + " column " + at.getColumnNr()) + ": " + AdminInputs.printable(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new AdminApiException(400, "invalid_json", "invalid JSON: " + AdminInputs.printable(e.getMessage()));
        }
        if (!(node instanceof ObjectNode o)) {
            throw new AdminApiException(400, "invalid_json", "the body must be a JSON object, not " + node.getNodeType()
                    .toString().toLowerCase(Locale.ROOT));
        }
        return o;
    }

    private void allowOnly(String... allowed) throws AdminApiException {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!ok.contains(name)) {
                throw new AdminApiException(400, "unknown_field", "unknown field '" + AdminInputs.printable(name) + "'"
                        + (ok.isEmpty() ? ": this request takes no fields" : "; this request takes "
                                + String.join(", ", new TreeSet<>(ok))));
            }
        }
    }

    boolean has(String field) {
        return object.has(field);
    }

    /** A string field that must be present and not null. */
    String requiredString(String field) throws AdminApiException {
        String s = optionalString(field);
        if (s == null) {
            throw AdminApiException.badRequest("field '" + field + "' is required (a string)");
        }
        return s;
    }

    /** A string field, or null if absent or null. */
    String optionalString(String field) throws AdminApiException {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AdminApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    boolean bool(String field, boolean absent) throws AdminApiException {
        JsonNode v = object.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw AdminApiException.badRequest("field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    /** A list of strings; empty if absent, unless {@code required}. */
    List<String> strings(String field, boolean required) throws AdminApiException {
        JsonNode v = object.get(field);
        if (v == null && !required) {
            return List.of();
        }
        if (v == null || !v.isArray()) {
            throw AdminApiException.badRequest("field '" + field + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw AdminApiException.badRequest("field '" + field + "' must be a list of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /**
     * A time field: {@code absent} if missing, null if JSON null (callers read that as "never"),
     * else the RFC 3339 time.
     */
    Instant time(String field, Instant absent) throws AdminApiException {
        if (!object.has(field)) {
            return absent;
        }
        String text = optionalString(field);
        if (text == null) {
            return null;
        }
        try {
            return AdminInputs.time(text);
        } catch (IllegalArgumentException e) {
            throw AdminApiException.badRequest("field '" + field + "': " + e.getMessage());
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1; // the server's parser has already refused a malformed length
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
