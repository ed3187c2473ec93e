/**
 * Numbers as people read them, shared by the LocalAPI's clients (the CLI and the desktop app) so
 * both say the same thing the same way.
 */
package dev.trellis.protocol.text;
