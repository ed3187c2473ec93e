package dev.trellis.engine.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Points the operating system's resolver at MagicDNS and back. One implementation per
 * mechanism ({@link ResolvConfManager}, {@link ResolvedManager}), chosen at run time by
 * {@link OsDnsConfigurators#detect}. Implementations are thread-safe.
 */
public interface OsDnsConfigurator {
    /** A short name for logs: {@code resolv.conf} or {@code systemd-resolved}. */
    String name();

    /**
     * Makes {@code config} the OS configuration. Idempotent; a second call replaces the first
     * config, and what was there before Trellis stays remembered for {@link #restore}.
     *
     * @throws IOException if the OS refused; the message says which step failed
     */
    void apply(OsDnsConfig config) throws IOException;

    /**
     * Puts back what the system had before the first {@link #apply}, also after a crash of a
     * previous daemon (what a crashed run saved is found again). Does nothing if nothing was
     * applied.
     */
    void restore() throws IOException;

    /**
     * The resolvers the system used before Trellis changed anything (port 53), in order; never
     * our own service addresses. MagicDNS forwards non-tailnet names to these. Empty if none
     * are known.
     */
    List<InetSocketAddress> systemResolvers() throws IOException;

    /**
     * True if only queries under the config's match domains reach our nameservers (split DNS);
     * false if every query does, so MagicDNS must forward all other names.
     */
    boolean supportsMatchDomains();
}
