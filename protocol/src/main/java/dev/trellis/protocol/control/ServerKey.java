package dev.trellis.protocol.control;

/**
 * The body of {@code GET /key}: the coordinator's public machine key ({@code mkey:…}) and the
 * capability versions it serves.
 */
public record ServerKey(String publicKey, int minVersion, int maxVersion) {}
