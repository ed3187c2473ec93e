package dev.trellis.engine.dns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Any datagram given to {@link MagicDns} is answered at most once or dropped, and the parser
 * only ever throws {@link DnsFormatException}. A plain {@code mvn test} runs the regression
 * inputs only; {@code JAZZER_FUZZ=1} fuzzes for maxDuration. (Not yet wired as a fuzzing
 * execution in engine/pom.xml; {@link DnsMutationTest} covers the same invariant in every run.)
 */
class DnsMessageFuzzTest {
    private static MagicDns dns;

    private static synchronized MagicDns dns() {
        if (dns == null) {
            dns = new MagicDns(1232); // no upstreams: nothing leaves the process
            dns.setMap(new DnsMap("trellis.internal", Map.of("alice",
                    List.of(InetAddress.ofLiteral("100.64.0.1"), InetAddress.ofLiteral("fd7a:115c:a1e0::1")))));
        }
        return dns;
    }

    @FuzzTest(maxDuration = "30s")
    void query(byte[] data) throws Exception {
        try {
            DnsMessage m = DnsMessage.parse(data);
            if (m.questions().size() <= 1 && !m.equals(DnsMessage.parse(m.encode()))) {
                throw new AssertionError("re-encoding changed the message");
            }
        } catch (DnsFormatException expected) {
            // the only failure allowed
        }
        AtomicInteger replies = new AtomicInteger();
        dns().receive(data, Replies.CLIENT, reply -> {
            replies.incrementAndGet();
            try {
                if (!DnsMessage.parse(reply).isResponse() || reply.length > 1232) {
                    throw new AssertionError("bad reply");
                }
            } catch (DnsFormatException e) {
                throw new AssertionError("our reply does not parse", e);
            }
        });
        if (replies.get() > 1) {
            throw new AssertionError("answered " + replies.get() + " times");
        }
    }
}
