package dev.trellis.protocol.control;

/**
 * A user as peers see them.
 *
 * @param id the coordinator's user ID, stable for the user's lifetime
 * @param loginName e.g. an e-mail address (OIDC) or a local user name
 * @param displayName a human name; falls back to loginName
 */
public record UserProfile(long id, String loginName, String displayName) {}
