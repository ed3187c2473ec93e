/**
 * The pages a person logs in at to add a device: the coordinator's own form for local users
 * (Argon2id passwords) or an OpenID Connect login, both ending in
 * {@link dev.trellis.coordinator.tailnet.Tailnet#completeLogin}; only the coordinator's
 * composition root and admin CLI (for {@link dev.trellis.coordinator.login.PasswordHasher}) may
 * depend on it.
 */
package dev.trellis.coordinator.login;
