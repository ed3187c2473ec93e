/**
 * Test fixtures for interactive login: a real OpenID Provider ({@code oidc-provider}, certified)
 * on loopback and a headless Chromium that fills login forms ({@code playwright-core} driving
 * Debian's {@code chromium}), both run as Node.js scripts from {@code lab/oidc}. Only tests may
 * depend on this package.
 */
package dev.trellis.lab.oidc;
