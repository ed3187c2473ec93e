package dev.trellis.engine.dns;

/**
 * Resource record TYPE and QTYPE values used here (RFC 1035 §3.2.2, RFC 3596, RFC 6891). Plain
 * ints, not an enum: any 16-bit value may arrive on the wire and must be carried through.
 */
public final class DnsType {
    public static final int A = 1;
    public static final int NS = 2;
    public static final int CNAME = 5;
    public static final int SOA = 6;
    public static final int PTR = 12;
    public static final int MX = 15;
    public static final int TXT = 16;
    public static final int AAAA = 28;
    public static final int OPT = 41;
    public static final int IXFR = 251;
    public static final int AXFR = 252;
    public static final int ANY = 255;

    /** CLASS IN, the only class the tailnet zone serves. */
    public static final int CLASS_IN = 1;
    /** QCLASS * (ANY). */
    public static final int CLASS_ANY = 255;

    private DnsType() {}
}
