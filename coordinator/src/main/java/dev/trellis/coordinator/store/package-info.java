/**
 * The coordinator's durable state (users, nodes, pre-auth and API keys, pending logins, the
 * control key) in SQLite or PostgreSQL, safe for several coordinator processes on one database;
 * only the coordinator's own packages (the netmap engine, login and admin API) may depend on it.
 */
package dev.trellis.coordinator.store;
