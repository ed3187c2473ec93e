package dev.trellis.engine.dns;

/** Response codes (RFC 1035 §4.1.1; BADVERS from RFC 6891 needs the OPT extended bits). */
public final class DnsRcode {
    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;
    public static final int BADVERS = 16;

    private DnsRcode() {}
}
