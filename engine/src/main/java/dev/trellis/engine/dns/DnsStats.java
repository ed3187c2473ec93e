package dev.trellis.engine.dns;

/**
 * Counters of a {@link MagicDns}, as one snapshot; each only grows.
 *
 * @param queries datagrams and TCP messages received
 * @param malformed dropped or answered FORMERR because they did not parse or were not queries
 * @param localAnswers answered from the tailnet or reverse zone
 * @param forwarded queries handed to the forwarder (whatever came of them)
 * @param upstreamFailures upstream attempts that timed out, failed or answered SERVFAIL/REFUSED
 * @param servfails forwarded queries answered SERVFAIL because no upstream answered
 * @param overloaded queries refused because {@code maxInFlight} forwards were already running
 * @param truncated replies we cut to the client's size with TC set
 * @param ignoredResponses upstream datagrams with a wrong id, source or question (spoofing)
 * @param tcpRetries upstream answers with TC set that were asked again over TCP
 */
public record DnsStats(long queries, long malformed, long localAnswers, long forwarded, long upstreamFailures,
        long servfails, long overloaded, long truncated, long ignoredResponses, long tcpRetries) {}
