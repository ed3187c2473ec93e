package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid messages (deterministic: a fixed seed): the parser either
 * returns a message or throws {@link DnsFormatException}, and {@link MagicDns} answers each
 * datagram at most once, with a reply that parses, and never throws.
 */
class DnsMutationTest {
    static List<byte[]> seeds() throws Exception {
        return List.of(
                DnsMessageCodecTest.sampleResponse().encode(),
                DnsMessage.query(1, DnsQuestion.of("alice.trellis.internal", DnsType.A),
                        Optional.of(Edns.of(1232))).encode(),
                DnsMessage.query(2, DnsQuestion.of("1.0.64.100.in-addr.arpa", DnsType.PTR),
                        Optional.empty()).encode(),
                Wire.header(1, 0x8180, 1, 1, 0, 0).name("example.com").u16(DnsType.A).u16(1)
                        .pointer(12).u16(DnsType.CNAME).u16(1).u32(300).u16(6).labels("www").pointer(12).build());
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(6)) {
                case 0 -> b[at] = (byte) rnd.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b[at] = (byte) (0xc0 | rnd.nextInt(4)); // a compression pointer
                case 4 -> b[at] = (byte) (rnd.nextBoolean() ? 0xff : 0x3f); // lengths and counts
                default -> {
                    byte[] grown = Arrays.copyOf(b, b.length + 8);
                    System.arraycopy(b, at, grown, at + 8, b.length - at);
                    b = grown;
                }
            }
        }
        return b;
    }

    @Test
    void mutatedMessagesParseOrFailCleanly() throws Exception {
        Random rnd = new Random(20_261_125);
        List<byte[]> seeds = seeds();
        int parsed = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                DnsMessage m = DnsMessage.parse(input);
                parsed++;
                if (m.questions().size() <= 1) {
                    assertThat(DnsMessage.parse(m.encode())).isEqualTo(m);
                }
            } catch (DnsFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(parsed).as("some mutations stay valid").isPositive();
    }

    @Test
    void magicDnsAnswersMutatedQueriesAtMostOnce() throws Exception {
        Random rnd = new Random(42);
        List<byte[]> seeds = seeds();
        // A bug caught by MagicDns's last-resort handler is logged, not thrown: watch the log.
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("trellis.dns");
        List<java.util.logging.LogRecord> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler watcher = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                errors.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(watcher);
        try (MagicDns dns = new MagicDns(1232)) {
            dns.setMap(new DnsMap("trellis.internal",
                    Map.of("alice", List.of(InetAddress.ofLiteral("100.64.0.1")))));
            for (int i = 0; i < 20_000; i++) {
                byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                Replies r = new Replies();
                dns.receive(input, Replies.CLIENT, r);
                // No upstreams: forwarded queries are answered SERVFAIL synchronously too.
                assertThat(r.calls.get()).isLessThanOrEqualTo(1);
                if (r.calls.get() == 1) {
                    byte[] reply = r.now();
                    assertThat(reply.length).isLessThanOrEqualTo(1232);
                    DnsMessage m = DnsMessage.parse(reply);
                    assertThat(m.isResponse()).isTrue();
                    assertThat(m.id()).isEqualTo(((input[0] & 0xff) << 8) | (input[1] & 0xff));
                }
            }
            DnsStats s = dns.stats();
            assertThat(s.queries()).isEqualTo(20_000);
            assertThat(s.malformed()).isPositive();
        } finally {
            log.removeHandler(watcher);
        }
        assertThat(errors).extracting(r -> r.getMessage() + " " + r.getThrown()).isEmpty();
    }
}
