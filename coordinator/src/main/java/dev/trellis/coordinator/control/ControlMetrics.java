package dev.trellis.coordinator.control;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the control front end, exported by the metrics endpoint. */
public final class ControlMetrics {
    public final LongAdder connections = new LongAdder();
    public final LongAdder openConnections = new LongAdder();
    public final LongAdder handshakeFailures = new LongAdder();
    public final LongAdder badMessages = new LongAdder();
    public final LongAdder registrations = new LongAdder();
    public final LongAdder registrationsRefused = new LongAdder();
    public final LongAdder mapMessagesSent = new LongAdder();
    public final LongAdder endpointUpdates = new LongAdder();
}
