package dev.trellis.engine.conn;

/** Picks the UDP bind for this platform. */
public final class Binds {
    private Binds() {}

    /** The batched Linux socket where it works, else the JDK's; TRELLIS_WG_BIND=jdk forces the latter. */
    public static Bind best() {
        if (!"jdk".equals(System.getenv("TRELLIS_WG_BIND")) && LinuxUdpBind.isSupported()) {
            return new LinuxUdpBind();
        }
        return new DatagramBind();
    }
}
