package dev.trellis.engine.paths;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the paths layer counts: where packets went, and every drop by reason. */
public final class PathCounters {
    final LongAdder sentDirect = new LongAdder();
    final LongAdder sentRelay = new LongAdder();
    final LongAdder receivedDirect = new LongAdder();
    final LongAdder receivedRelay = new LongAdder();
    final LongAdder unknownSource = new LongAdder();
    final LongAdder unknownRelaySource = new LongAdder();
    final LongAdder noRelay = new LongAdder();
    final LongAdder relayDrops = new LongAdder();
    final LongAdder relayQueueFull = new LongAdder();
    final LongAdder oversized = new LongAdder();
    final LongAdder discoReceived = new LongAdder();
    final LongAdder discoSent = new LongAdder();
    final LongAdder discoUnknownSender = new LongAdder();
    final LongAdder discoBad = new LongAdder();
    final LongAdder sendErrors = new LongAdder();

    /** Name → value, for metrics. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sent_direct", sentDirect.sum());
        m.put("sent_relay", sentRelay.sum());
        m.put("received_direct", receivedDirect.sum());
        m.put("received_relay", receivedRelay.sum());
        m.put("drop_unknown_source", unknownSource.sum());
        m.put("drop_unknown_relay_source", unknownRelaySource.sum());
        m.put("drop_no_relay", noRelay.sum());
        m.put("drop_relay_send", relayDrops.sum());
        m.put("drop_relay_queue_full", relayQueueFull.sum());
        m.put("drop_oversized", oversized.sum());
        m.put("disco_received", discoReceived.sum());
        m.put("disco_sent", discoSent.sum());
        m.put("disco_unknown_sender", discoUnknownSender.sum());
        m.put("disco_bad", discoBad.sum());
        m.put("send_errors", sendErrors.sum());
        return m;
    }
}
