/** The {@code trellis-relay} command line; nothing depends on it. */
package dev.trellis.relay.cmd;
