/**
 * End-to-end tests of the coordinator's login pages in a real browser (Debian's Chromium via
 * the fixtures of {@code dev.trellis.lab.oidc}): the embedded local login and a login at a real
 * OpenID provider, each authorizing a node that waits on its auth URL. Only tests live here.
 */
package dev.trellis.lab.login;
