/**
 * From a netmap to WireGuard configuration: which peers, with which allowed IPs and endpoints,
 * applied to the device as minimal changes. Used by the daemon; depends on wg and controlclient.
 */
package dev.trellis.engine.wgcfg;
