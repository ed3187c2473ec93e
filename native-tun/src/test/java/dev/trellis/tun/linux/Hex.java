package dev.trellis.tun.linux;

import java.util.HexFormat;

/** Hex fixtures for byte-exact tests; spaces are ignored so fields can be grouped. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
