/**
 * The coordinator's metrics in the Prometheus text format, rendered without a metrics library;
 * only the composition root and the admin front end depend on it.
 */
package dev.trellis.coordinator.metrics;
