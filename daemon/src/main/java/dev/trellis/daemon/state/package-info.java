/**
 * The daemon's persistent state: keys, preferences and the last netmap, in a 0700 directory
 * of 0600 files replaced atomically. Used by the daemon only.
 */
package dev.trellis.daemon.state;
