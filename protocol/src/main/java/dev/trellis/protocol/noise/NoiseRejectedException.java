package dev.trellis.protocol.noise;

/**
 * The coordinator answered the handshake initiation with an error record instead of a response,
 * for example because it does not speak the requested protocol version.
 */
public final class NoiseRejectedException extends NoiseException {
    private final String serverText;

    NoiseRejectedException(String serverText) {
        super("coordinator refused the handshake: \"" + printable(serverText) + "\"");
        this.serverText = serverText;
    }

    /** The server's text exactly as sent (decoded as UTF-8); unauthenticated, so treat as a hint. */
    public String serverText() {
        return serverText;
    }

    /** The text is unauthenticated input: keep control characters out of log lines. */
    private static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
