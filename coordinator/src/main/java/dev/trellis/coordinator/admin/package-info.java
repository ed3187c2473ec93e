/**
 * The coordinator's admin front end: a JSON API under {@code /api/v1/} on the main port (API
 * keys) and on a local Unix socket (peer credentials), with the views of users, keys and nodes it
 * returns; used by the composition root and the {@code trellis-coordinator} command line.
 */
package dev.trellis.coordinator.admin;
