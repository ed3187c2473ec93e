/**
 * trellis-coordinator, the control server: its composition root and configuration. Feature
 * packages (store, netmap, tailnet, control, login, admin) hang off it; nothing depends on it
 * but its command line.
 */
package dev.trellis.coordinator;
