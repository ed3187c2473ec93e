package dev.trellis.engine.dns;

/**
 * A DNS message or name that is not well formed; the message says what is wrong and where.
 * Parsers throw only this for bad input, never a runtime exception.
 */
public final class DnsFormatException extends Exception {
    public DnsFormatException(String message) {
        super(message);
    }
}
