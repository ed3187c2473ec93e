package dev.trellis.coordinator.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Strict parsing of an {@code application/x-www-form-urlencoded} body, as a browser sends it:
 * bounded in size and field count, every name once, percent-escapes well formed and the result
 * valid UTF-8. Anything else is a {@link LoginError} 400 (or 413), never a partial result.
 */
final class FormBody {
    /** Larger than any login form a browser sends (a 1024-byte password is ≤ 3 KiB escaped). */
    static final int MAX_BYTES = 8 * 1024;
    private static final int MAX_FIELDS = 16;

    private FormBody() {}

    static Map<String, String> parse(byte[] body) throws LoginError {
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        Map<String, String> fields = new HashMap<>();
        if (body.length == 0) {
            return fields;
        }
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '&') {
                if (i > start) {
                    field(body, start, i, fields);
                }
                start = i + 1;
            }
        }
        return fields;
    }

    static LoginError tooLarge() {
        return new LoginError(413, "Form too large", "The login form sent more than " + MAX_BYTES
                + " bytes; no login form is that large.", "Open the login link from the device again and retry.");
    }

    private static void field(byte[] body, int from, int to, Map<String, String> fields) throws LoginError {
        if (fields.size() == MAX_FIELDS) {
            throw LoginError.badRequest("The form has more than " + MAX_FIELDS + " fields.");
        }
        int eq = from;
        while (eq < to && body[eq] != '=') {
            eq++;
        }
        if (eq == to || eq == from) {
            throw LoginError.badRequest("The form is malformed: a field has no name or no value.");
        }
        String name = decode(body, from, eq);
        String value = decode(body, eq + 1, to);
        if (fields.putIfAbsent(name, value) != null) {
            throw LoginError.badRequest("The form has the field \"" + truncate(name) + "\" more than once.");
        }
    }

    private static String decode(byte[] body, int from, int to) throws LoginError {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int hi = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(body[i + 2], 16) : -1;
                if (lo < 0) {
                    throw LoginError.badRequest("The form is malformed: a percent sign is not followed by two hex digits.");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw LoginError.badRequest("The form is not valid UTF-8.");
        }
    }

    private static String truncate(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 32 ? printable.substring(0, 32) + "…" : printable;
    }
}
