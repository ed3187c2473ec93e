/**
 * MagicDNS: the node's DNS service at 100.100.100.100 (a defensive RFC 1035 / EDNS0 codec, the
 * tailnet zone answered from a {@link dev.trellis.engine.dns.DnsMap} snapshot, forwarding of all
 * other names to upstream resolvers) and the OS configurators that point the system at it. Used
 * by the daemon; depends on nothing else of the engine.
 */
package dev.trellis.engine.dns;
