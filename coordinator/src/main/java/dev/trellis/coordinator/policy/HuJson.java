package dev.trellis.coordinator.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads HuJSON (JSON with {@code //} and {@code /* *\/} comments and trailing commas) into a
 * {@link JsonValue} tree with positions. Input is bounded before anything is parsed: at most
 * {@link #MAX_BYTES} of strict UTF-8 (a leading byte-order mark is accepted and skipped) and at
 * most {@link #MAX_DEPTH} levels of nesting, so hostile input ends in a clear error, never in a
 * stack overflow or unbounded memory. Duplicate keys are refused: in a policy, the second of two
 * equal keys would silently replace the first.
 */
final class HuJson {
    static final int MAX_BYTES = 1 << 20;
    /** A policy needs 4 levels (top, acls, rule, src); the rest is head room. */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxDocumentLength(MAX_BYTES)
                    .maxStringLength(MAX_BYTES)
                    .maxNameLength(MAX_BYTES)
                    .maxNumberLength(100)
                    .build())
            .build();

    private HuJson() {}

    /** Decodes strict UTF-8, refusing oversized input before looking at it. */
    static String decode(byte[] utf8) throws PolicyException {
        if (utf8.length > MAX_BYTES) {
            throw tooLarge(utf8.length + " bytes");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int[] pos = position(out.flip(), out.limit());
            throw new PolicyException(pos[0], pos[1], String.format(
                    "invalid UTF-8 (byte 0x%02x at offset %d): save the policy as UTF-8",
                    utf8[in.position()] & 0xff, in.position()));
        }
        return out.flip().toString();
    }

    /** The UTF-8 bytes of {@code text}; an unpaired surrogate is an error, not a '?'. */
    static byte[] encode(String text) throws PolicyException {
        if (text.length() > MAX_BYTES) {
            throw tooLarge(text.length() + " characters");
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new PolicyException("the policy text holds an unpaired UTF-16 surrogate, which has no UTF-8 form");
        }
    }

    private static PolicyException tooLarge(String size) {
        return new PolicyException("the policy is too large (" + size + "); the limit is " + MAX_BYTES
                + " bytes (1 MiB): split long host or group lists, or use CIDR ranges");
    }

    /** Line and column (1-based, Jackson's counting: \r, \n and \r\n each end a line) of {@code end}. */
    static int[] position(CharSequence text, int end) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, end - lineStart + 1};
    }

    /** Parses the whole text as one value. A leading BOM is skipped. */
    static JsonValue parse(String text) throws PolicyException {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (JsonParser p = FACTORY.createParser(body)) {
            try {
                JsonToken first = p.nextToken();
                if (first == null) {
                    throw new PolicyException(1, 1, "the policy is empty: write {} for a policy with no rules "
                            + "(which allows everything), or {\"acls\": []} to deny everything");
                }
                JsonValue root = read(p, 1);
                if (p.nextToken() != null) {
                    throw at(p.currentTokenLocation(), "unexpected content after the policy's closing '}'");
                }
                return root;
            } catch (StreamConstraintsException e) {
                // Jackson gives no location for these; the token that crossed the limit is where to look.
                throw at(e.getLocation() != null ? e.getLocation() : p.currentTokenLocation(),
                        e.getOriginalMessage().contains("nesting")
                                ? "nested deeper than " + MAX_DEPTH + " levels; a policy needs at most 4"
                                : "too large: " + firstLine(e.getOriginalMessage()));
            } catch (JsonProcessingException e) {
                String m = firstLine(e.getOriginalMessage());
                // STRICT_DUPLICATE_DETECTION: Jackson reports the position just after the second key.
                m = m.startsWith("Duplicate field")
                        ? "duplicate key " + m.substring("Duplicate field".length()).strip()
                                + ": each key may appear once (a second one would silently replace the first)"
                        : "invalid HuJSON: " + m;
                throw at(e.getLocation() != null ? e.getLocation() : p.currentLocation(), m);
            }
        } catch (IOException e) {
            throw new PolicyException("cannot read the policy: " + e.getMessage());
        }
    }

    private static JsonValue read(JsonParser p, int depth) throws IOException, PolicyException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int col = at.getColumnNr();
        if (depth > MAX_DEPTH) { // Jackson enforces this too; this keeps the recursion bounded regardless
            throw new PolicyException(line, col, "nested deeper than " + MAX_DEPTH + " levels; a policy needs at most 4");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                List<JsonValue.Field> fields = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) { // duplicates: refused by Jackson
                    JsonLocation k = p.currentTokenLocation();
                    String key = p.currentName();
                    p.nextToken();
                    fields.add(new JsonValue.Field(key, read(p, depth + 1), k.getLineNr(), k.getColumnNr()));
                }
                return new JsonValue.JObject(List.copyOf(fields), line, col);
            }
            case START_ARRAY -> {
                List<JsonValue> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, depth + 1));
                }
                return new JsonValue.JArray(List.copyOf(items), line, col);
            }
            case VALUE_STRING -> {
                return new JsonValue.JString(p.getText(), line, col);
            }
            default -> {
                return new JsonValue.JScalar(p.getText(), line, col);
            }
        }
    }

    private static PolicyException at(JsonLocation where, String message) {
        return where == null ? new PolicyException(message)
                : new PolicyException(Math.max(where.getLineNr(), 0), Math.max(where.getColumnNr(), 0), message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
