/**
 * A small blocking HTTP/1.1 server and client on the JDK alone (TCP, TLS and Unix sockets, one
 * virtual thread per connection, bounded everywhere, with HTTP Upgrade to raw streams) for the
 * coordinator, the daemon's LocalAPI and their clients; every module may depend on it, and it
 * depends on nothing else in Trellis.
 */
package dev.trellis.protocol.http;
