package dev.trellis.protocol.key;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/** Parsing and formatting shared by the 32-byte key types. */
final class KeyBytes {
    static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private KeyBytes() {}

    static byte[] checkLength(byte[] raw, String what) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be " + LENGTH + " bytes, got "
                    + (raw == null ? "null" : raw.length));
        }
        return raw.clone();
    }

    static byte[] fromBase64(String text, String what) {
        if (text == null || text.length() != 44) {
            throw new IllegalArgumentException(what + ": expected 44 characters of base64");
        }
        try {
            return checkLength(Base64.getDecoder().decode(text), what);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": invalid base64", e);
        }
    }

    static byte[] fromHex(String text, String what) {
        if (text == null || text.length() != 64) {
            throw new IllegalArgumentException(what + ": expected 64 hex digits");
        }
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": invalid hex", e);
        }
    }

    static String toHex(byte[] raw) {
        return HEX.formatHex(raw);
    }

    static String toBase64(byte[] raw) {
        return Base64.getEncoder().encodeToString(raw);
    }

    static boolean isZero(byte[] raw) {
        int acc = 0;
        for (byte b : raw) {
            acc |= b;
        }
        return acc == 0;
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
