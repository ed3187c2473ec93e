package dev.trellis.engine.netcheck;

import static dev.trellis.engine.netcheck.Maps.map;
import static dev.trellis.engine.netcheck.Maps.region;
import static dev.trellis.engine.netcheck.Maps.relay;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.testing.Await;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.stun.StunServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Netcheck over STUN on loopback: real servers on 127.0.0.1 and 127.0.0.2, and scripted ports
 * whose answers come at exact ticks, so that latencies and hence the home region are exact.
 * (TCP fallback and the deadlines are in {@link NetcheckFallbackTest}.)
 */
class NetcheckTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** Long enough never to end a run whose servers all answer; such a run returns at the last answer. */
    static final Netcheck.Options PATIENT = new Netcheck.Options(Duration.ofSeconds(20), Duration.ofSeconds(15),
            List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(300)));
    private static final InetSocketAddress S1 = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress S2 = new InetSocketAddress("127.0.0.2", 3478);
    private static final RelayMap TWO_REGIONS = map(region(1, relay("r1", "127.0.0.1", 443, 3478)),
            region(2, relay("r2", "127.0.0.2", 443, 3478)));

    static FutureTask<NetReport> start(Netcheck netcheck, RelayMap map) {
        FutureTask<NetReport> run = new FutureTask<>(() -> netcheck.run(map));
        Thread.ofVirtual().name("netcheck-test").start(run);
        return run;
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void twoRealStunServersAnswerWithTheSocketsOwnAddress() throws Exception {
        try (StunServer s1 = new StunServer(at("127.0.0.1", 0)).start();
                StunServer s2 = new StunServer(at("127.0.0.2", 0)).start();
                DatagramStunPort port = DatagramStunPort.open(at("127.0.0.1", 0))) {
            RelayMap relays = map(region(1, relay("r1", "127.0.0.1", 443, s1.address().getPort())),
                    region(2, relay("r2", "127.0.0.2", 443, s2.address().getPort())));

            NetReport r = new Netcheck(port, CLOCK, PATIENT).run(relays);

            assertThat(r.udp()).isTrue();
            assertThat(r.globalV4()).isEqualTo(port.localAddress());
            assertThat(r.globalV6()).isNull();
            assertThat(r.mappingVariesByDestIp()).isFalse();
            assertThat(r.regionLatency()).containsOnlyKeys(1, 2);
            assertThat(r.regionV4Latency()).isEqualTo(r.regionLatency());
            assertThat(r.regionV6Latency()).isEmpty();
            int fastest = r.regionLatency().get(1).compareTo(r.regionLatency().get(2)) <= 0 ? 1 : 2;
            assertThat(r.preferredRegion()).isEqualTo(fastest);
            assertThat(r.at()).isEqualTo(CLOCK.instant());
            assertThat(port.waiters().pending()).isZero();
        }
    }

    @Test
    void theRegionWithTheLowerLatencyIsPreferred() throws Exception {
        try (StunServer s1 = new StunServer(at("127.0.0.1", 0)).start();
                StunServer s2 = new StunServer(at("127.0.0.2", 0)).start();
                DatagramStunPort port = DatagramStunPort.open(at("127.0.0.1", 0))) {
            RelayMap relays = map(region(1, relay("r1", "127.0.0.1", 443, s1.address().getPort())),
                    region(2, relay("r2", "127.0.0.2", 443, s2.address().getPort())));
            ScriptedStunPort scripted = new ScriptedStunPort(port);
            FutureTask<NetReport> run = start(new Netcheck(scripted, CLOCK, PATIENT, scripted.ticker::get), relays);

            scripted.awaitRequests(s1.address(), s2.address());
            scripted.answer(s2.address(), ms(2), null);
            scripted.answer(s1.address(), ms(7), null);
            NetReport r = run.get(10, TimeUnit.SECONDS);

            assertThat(r.regionLatency()).isEqualTo(Map.of(1, ms(7), 2, ms(2)));
            assertThat(r.preferredRegion()).isEqualTo(2);
            assertThat(r.globalV4()).isEqualTo(port.localAddress());
            assertThat(r.mappingVariesByDestIp()).isFalse();
            assertThat(scripted.allSettled()).isTrue();
            scripted.propagateCancels();
            assertThat(port.waiters().pending()).isZero();
        }
    }

    @Test
    void differentMappedAddressesPerServerMeanTheMappingVaries() throws Exception {
        ScriptedStunPort port = new ScriptedStunPort();
        FutureTask<NetReport> run = start(new Netcheck(port, CLOCK, PATIENT, port.ticker::get), TWO_REGIONS);

        port.awaitRequests(S1, S2);
        port.answer(S1, ms(3), at("198.18.1.2", 41641));
        port.answer(S2, ms(9), at("198.18.1.2", 50123));
        NetReport r = run.get(10, TimeUnit.SECONDS);

        assertThat(r.mappingVariesByDestIp()).isTrue();
        assertThat(r.globalV4()).isEqualTo(at("198.18.1.2", 41641)); // the nearer server's view
        assertThat(r.preferredRegion()).isEqualTo(1);
        assertThat(r.describe(TWO_REGIONS)).startsWith("UDP: true", "IPv4: 198.18.1.2:41641", "IPv6: (none)",
                "MappingVariesByDestIP: true", "Nearest relay: 1 (r1) 3.0 ms");
    }

    @Test
    void theSameMappedAddressEverywhereMeansItDoesNotVary() throws Exception {
        ScriptedStunPort port = new ScriptedStunPort();
        FutureTask<NetReport> run = start(new Netcheck(port, CLOCK, PATIENT, port.ticker::get), TWO_REGIONS);

        port.awaitRequests(S1, S2);
        port.answer(S2, ms(3), at("198.18.1.2", 41641));
        port.answer(S1, ms(4), at("198.18.1.2", 41641));

        assertThat(run.get(10, TimeUnit.SECONDS).mappingVariesByDestIp()).isFalse();
    }

    @Test
    void serversSharingOneIpCannotTellWhetherTheMappingVaries() throws Exception {
        RelayMap oneIp = map(region(1, relay("r1", "127.0.0.1", 443, 3478)),
                region(2, relay("r2", "127.0.0.1", 443, 3479)));
        ScriptedStunPort port = new ScriptedStunPort();
        FutureTask<NetReport> run = start(new Netcheck(port, CLOCK, PATIENT, port.ticker::get), oneIp);

        port.awaitRequests(at("127.0.0.1", 3478), at("127.0.0.1", 3479));
        port.answer(at("127.0.0.1", 3478), ms(1), at("198.18.1.2", 41641));
        port.answer(at("127.0.0.1", 3479), ms(2), at("198.18.1.2", 50123));

        assertThat(run.get(10, TimeUnit.SECONDS).mappingVariesByDestIp()).isNull();
    }

    @Test
    void theHomeRegionMovesOnlyForAThirdLessLatency() throws Exception {
        ScriptedStunPort port = new ScriptedStunPort();
        Netcheck netcheck = new Netcheck(port, CLOCK, PATIENT, port.ticker::get);

        assertThat(runOnce(netcheck, port, ms(10), ms(20)).preferredRegion()).isEqualTo(1);
        // 7 ms is not below two thirds of 10 ms: region 1 stays home.
        assertThat(runOnce(netcheck, port, ms(10), ms(7)).preferredRegion()).isEqualTo(1);
        // 6 ms is: region 2 becomes home, and then keeps it against a slightly faster region 1.
        assertThat(runOnce(netcheck, port, ms(10), ms(6)).preferredRegion()).isEqualTo(2);
        assertThat(runOnce(netcheck, port, ms(5), ms(6)).preferredRegion()).isEqualTo(2);
        assertThat(netcheck.lastReport()).get().extracting(NetReport::preferredRegion).isEqualTo(2);
    }

    /** One run over {@link #TWO_REGIONS} in which region 1 answers after {@code r1} and region 2 after {@code r2}. */
    private static NetReport runOnce(Netcheck netcheck, ScriptedStunPort port, Duration r1, Duration r2)
            throws Exception {
        int before = port.requests().size();
        port.ticker.set(0);
        FutureTask<NetReport> run = start(netcheck, TWO_REGIONS);
        Await.until(() -> firstAfter(port, S1, before) != null && firstAfter(port, S2, before) != null,
                "both regions are probed");
        InetSocketAddress mapped = at("198.18.1.2", 41641);
        ScriptedStunPort.Request first1 = firstAfter(port, S1, before);
        ScriptedStunPort.Request first2 = firstAfter(port, S2, before);
        for (var answer : r1.compareTo(r2) <= 0
                ? List.of(Map.entry(first1, r1), Map.entry(first2, r2))
                : List.of(Map.entry(first2, r2), Map.entry(first1, r1))) {
            Await.until(() -> answer.getKey().answer().getNumberOfDependents() > 0, "netcheck listens");
            port.ticker.set(answer.getValue().toNanos());
            answer.getKey().answer().complete(mapped);
        }
        NetReport r = run.get(10, TimeUnit.SECONDS);
        assertThat(r.regionLatency()).isEqualTo(Map.of(1, r1, 2, r2));
        return r;
    }

    /** The first request to {@code server} after the first {@code skip} ones; null if none yet. */
    private static ScriptedStunPort.Request firstAfter(ScriptedStunPort port, InetSocketAddress server, int skip) {
        List<ScriptedStunPort.Request> all = port.requests();
        return all.subList(skip, all.size()).stream().filter(q -> q.server().equals(server)).findFirst().orElse(null);
    }

    @Test
    void ipv6AnswersFillTheIpv6Fields() throws Exception {
        try (StunServer s4 = new StunServer(at("127.0.0.1", 0)).start();
                DatagramStunPort port = DatagramStunPort.open()) {
            StunServer s6;
            try {
                s6 = new StunServer(at("::1", s4.address().getPort())).start();
            } catch (java.io.IOException e) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback with that port: " + e);
                return;
            }
            try (s6) {
                RelayMap relays = map(new RelayMap.Region(1, "r1", "Region 1", List.of(new RelayMap.Relay("r1",
                        "relay.test", "127.0.0.1", "::1", 443, s4.address().getPort(), true))));

                NetReport r = new Netcheck(port, CLOCK, PATIENT).run(relays);

                assertThat(r.regionV4Latency()).containsOnlyKeys(1);
                assertThat(r.regionV6Latency()).containsOnlyKeys(1);
                assertThat(r.globalV4().getPort()).isEqualTo(port.localAddress().getPort());
                assertThat(r.globalV6()).isEqualTo(at("::1", port.localAddress().getPort()));
                assertThat(r.mappingVariesByDestIp()).isNull(); // one IPv4 server only
                assertThat(port.waiters().pending()).isZero();
            }
        }
    }
}
