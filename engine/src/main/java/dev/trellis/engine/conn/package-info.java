/**
 * The UDP seam of the WireGuard device ({@link dev.trellis.engine.conn.Bind}) and its
 * implementations; the device depends on the interface only.
 */
package dev.trellis.engine.conn;
