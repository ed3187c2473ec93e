/**
 * The LocalAPI's wire types: the JSON that {@code trellisd} serves on its Unix socket and that the
 * {@code trellis} CLI and the desktop app read, shaped like Tailscale's LocalAPI (paths, field
 * names, state numbers) so that existing LocalAPI clients work unchanged. Any module may depend on
 * it; it depends only on protocol's key, net and json packages.
 *
 * <p>Conventions shared by every type here: a null field is absent from the JSON (Tailscale's
 * {@code omitempty}), and so are empty strings, lists and maps unless a field's doc says
 * otherwise; collections are never null in the records (absent reads as empty); unknown fields are
 * ignored; times are RFC 3339 text, and Go's zero time {@code 0001-01-01T00:00:00Z}, which
 * Tailscale prints for unset times, reads as null. Fields marked "Trellis extension" do not exist
 * in Tailscale; Go clients ignore them.
 */
package dev.trellis.protocol.localapi;
