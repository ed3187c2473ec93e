package dev.trellis.engine.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PortMapperTest {
    private static final int WG_PORT = 41641;
    private FakeGateway gateway;
    private final List<Optional<InetSocketAddress>> changes = new CopyOnWriteArrayList<>();
    private PortMapper mapper;

    @BeforeEach
    void setUp() throws Exception {
        gateway = new FakeGateway();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (mapper != null) {
            mapper.close();
        }
        gateway.close();
    }

    private PortMapOptions options(Duration retry) {
        return new PortMapOptions(gateway.port(), Duration.ofHours(2), Duration.ofMillis(50), 3, retry);
    }

    private PortMapper start(Duration retry) throws Exception {
        return start(() -> Optional.of(gateway.address()), retry);
    }

    private PortMapper start(Supplier<Optional<InetAddress>> gw, Duration retry) throws Exception {
        mapper = PortMapper.start(WG_PORT, gw, options(retry), changes::add);
        return mapper;
    }

    private static final InetSocketAddress EXPECTED = new InetSocketAddress(FakeGateway.EXTERNAL, WG_PORT);

    @Test
    void pcpMappingForTheGivenPortIsObtainedAndPublished() throws Exception {
        start(Duration.ofMinutes(5));
        Await.until(() -> !changes.isEmpty(), "a mapping published");
        assertThat(mapper.mapped()).contains(EXPECTED);
        assertThat(mapper.mapping().orElseThrow().protocol()).isEqualTo("pcp");
        assertThat(changes).containsExactly(Optional.of(EXPECTED));
        FakeGateway.Request request = gateway.requests(2, 1).getFirst();
        assertThat(request.internalPort()).isEqualTo(WG_PORT);
        assertThat(request.lifetime()).isEqualTo(7200);
        assertThat(request.client()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(gateway.requests(0, 1)).isEmpty();
    }

    @Test
    void natPmpIsUsedWhenTheGatewayAnswersPcpWithUnsupportedVersion() throws Exception {
        gateway.pcp = false;
        start(Duration.ofMinutes(5));
        Await.until(() -> mapper.mapped().isPresent(), "a mapping");
        assertThat(mapper.mapped()).contains(EXPECTED);
        assertThat(mapper.mapping().orElseThrow().protocol()).isEqualTo("nat-pmp");
        assertThat(gateway.requests(2, 1)).hasSize(1);
        assertThat(gateway.requests(0, 0)).hasSize(1);
        assertThat(gateway.requests(0, 1)).singleElement()
                .satisfies(r -> assertThat(r.internalPort()).isEqualTo(WG_PORT))
                .satisfies(r -> assertThat(r.lifetime()).isEqualTo(7200));
        assertThat(mapper.badReplies()).isZero();
    }

    @Test
    void pcpMappingIsRenewedAtHalfItsLifetimeWithTheSameNonceAndPort() throws Exception {
        gateway.grantedLifetime = 2;
        start(Duration.ofMinutes(5));
        Await.until(() -> gateway.requests(2, 1).size() >= 3, "two renewals");
        List<FakeGateway.Request> maps = gateway.requests(2, 1);
        assertThat(maps).allSatisfy(r -> assertThat(r.nonce()).isEqualTo(maps.getFirst().nonce()));
        assertThat(maps.get(1).suggestedPort()).isEqualTo(WG_PORT);
        assertThat(changes).containsExactly(Optional.of(EXPECTED)); // renewing the same mapping is no news
    }

    @Test
    void natPmpMappingIsRenewed() throws Exception {
        gateway.pcp = false;
        gateway.grantedLifetime = 2;
        start(Duration.ofMinutes(5));
        Await.until(() -> gateway.requests(0, 1).size() >= 2, "a renewal");
        // NAT-PMP is remembered: the renewal does not ask with PCP first
        assertThat(gateway.requests(2, 1)).hasSize(1);
    }

    @Test
    void closeDeletesTheMappingWithLifetimeZero() throws Exception {
        start(Duration.ofMinutes(5));
        Await.until(() -> mapper.mapped().isPresent(), "a mapping");
        mapper.close();
        List<FakeGateway.Request> maps = gateway.requests(2, 1);
        assertThat(maps.getLast().lifetime()).isZero();
        assertThat(maps.getLast().nonce()).isEqualTo(maps.getFirst().nonce());
        assertThat(mapper.mapped()).isEmpty();
        mapper.close(); // idempotent
        assertThat(gateway.requests(2, 1)).hasSize(maps.size());
    }

    @Test
    void closeDeletesANatPmpMapping() throws Exception {
        gateway.pcp = false;
        start(Duration.ofMinutes(5));
        Await.until(() -> mapper.mapped().isPresent(), "a mapping");
        mapper.close();
        assertThat(gateway.requests(0, 1).getLast())
                .satisfies(r -> assertThat(r.lifetime()).isZero())
                .satisfies(r -> assertThat(r.suggestedPort()).isZero());
    }

    @Test
    void aRefusalMeansNoMappingAndATryLater() throws Exception {
        gateway.resultCode = 2; // not authorized
        start(Duration.ofMillis(100));
        Await.until(() -> gateway.requests(2, 1).size() >= 3, "tries after the retry interval");
        assertThat(mapper.mapped()).isEmpty();
        assertThat(changes).isEmpty();
        assertThat(mapper.badReplies()).isZero();
        gateway.resultCode = 0;
        Await.until(() -> mapper.mapped().isPresent(), "a mapping once the gateway allows it");
    }

    @Test
    void natPmpErrorCodesMeanNoMapping() throws Exception {
        gateway.pcp = false;
        gateway.resultCode = 4; // out of resources
        start(Duration.ofMillis(100));
        Await.until(() -> gateway.requests(0, 0).size() >= 2, "tries after the retry interval");
        assertThat(mapper.mapped()).isEmpty();
        assertThat(gateway.requests(0, 1)).isEmpty(); // the external address request already failed
    }

    @Test
    void shortMalformedAndForeignRepliesAreCountedAndWaitedPast() throws Exception {
        byte[] wrongNonce = new byte[Pcp.MAP_LENGTH];
        wrongNonce[0] = 2;
        wrongNonce[1] = (byte) 0x81;
        gateway.junkFirst = FakeGateway.junk(new byte[0], new byte[] {2}, new byte[] {2, (byte) 0x81, 0, 0, 0},
                new byte[] {9, 9, 9, 9, 9, 9, 9, 9}, new byte[30], wrongNonce);
        start(Duration.ofMinutes(5));
        Await.until(() -> mapper.mapped().isPresent(), "a mapping despite the junk");
        assertThat(mapper.mapped()).contains(EXPECTED);
        assertThat(mapper.badReplies()).isEqualTo(6);
    }

    @Test
    void onlyJunkMeansNoMappingAndNoException() throws Exception {
        gateway.junkFirst = FakeGateway.junk(new byte[] {0, (byte) 129, 0}, new byte[] {0, (byte) 128, 0, 0, 0, 0});
        gateway.junkOnly = true;
        start(Duration.ofMinutes(5));
        // PCP (3 tries), then NAT-PMP's external address request (3 tries): two junk datagrams each
        Await.until(() -> mapper.badReplies() >= 12, "every junk datagram counted");
        assertThat(mapper.mapped()).isEmpty();
        assertThat(gateway.requests(0, 1)).isEmpty();
    }

    @Test
    void aSilentGatewayIsProbedOncePerRetryInterval() throws Exception {
        gateway.silent = true;
        start(Duration.ofMinutes(5));
        // three PCP tries, then three NAT-PMP ones, then quiet
        Await.until(() -> gateway.requests(0, 0).size() == 3, "the NAT-PMP tries");
        // that nothing more is sent can only be watched for a while: longer than the last try's wait
        Thread.sleep(Duration.ofMillis(200 + 300));
        assertThat(gateway.requests(2, 1)).hasSize(3);
        assertThat(gateway.requests(0, 0)).hasSize(3);
        assertThat(mapper.mapped()).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void refreshTriesAgainAtOnce() throws Exception {
        gateway.resultCode = 3;
        start(Duration.ofMinutes(5));
        Await.until(() -> gateway.requests(2, 1).size() == 1, "the first try");
        gateway.resultCode = 0;
        mapper.refresh();
        Await.until(() -> mapper.mapped().isPresent(), "a mapping after refresh()");
    }

    @Test
    void noGatewayMeansNothingIsSent() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        start(() -> {
            asked.incrementAndGet();
            return Optional.empty();
        }, Duration.ofMillis(20));
        Await.until(() -> asked.get() >= 3, "the gateway asked for a few times");
        assertThat(gateway.requests).isEmpty();
        assertThat(mapper.mapped()).isEmpty();
    }

    @Test
    void aNewGatewayDropsTheOldMapping() throws Exception {
        AtomicInteger which = new AtomicInteger();
        InetAddress other = NatPmp.address(new byte[] {127, 0, 0, 2});
        start(() -> Optional.of(which.get() == 0 ? gateway.address() : other), Duration.ofMinutes(5));
        Await.until(() -> mapper.mapped().isPresent(), "a mapping");
        which.set(1);
        mapper.refresh();
        Await.until(() -> changes.size() == 2, "the mapping dropped");
        assertThat(changes).containsExactly(Optional.of(EXPECTED), Optional.empty());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> PortMapper.start(0, ch -> {})).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> new PortMapOptions(5351, Duration.ofSeconds(1), Duration.ofMillis(250), 4,
                Duration.ofMinutes(5))).hasMessageContaining("lifetime");
        assertThatThrownBy(() -> new PortMapOptions(5351, Duration.ofHours(2), Duration.ofMillis(250), 0,
                Duration.ofMinutes(5))).hasMessageContaining("tries");
    }

    @Test
    void pcpRequestLayout() {
        byte[] nonce = new byte[12];
        nonce[0] = 7;
        byte[] q = Pcp.mapRequest(nonce, NatPmp.address(new byte[] {(byte) 198, 18, 1, 2}), WG_PORT, 40000, 7200);
        ByteBuffer b = ByteBuffer.wrap(q);
        assertThat(q).hasSize(60);
        assertThat(q[0]).isEqualTo((byte) 2);
        assertThat(q[1]).isEqualTo((byte) 1);
        assertThat(b.getInt(4)).isEqualTo(7200);
        assertThat(q[18]).isEqualTo((byte) 0xff);
        assertThat(q[19]).isEqualTo((byte) 0xff);
        assertThat(q[20]).isEqualTo((byte) 198);
        assertThat(q[24]).isEqualTo((byte) 7);
        assertThat(q[36]).isEqualTo((byte) 17);
        assertThat(b.getShort(40) & 0xffff).isEqualTo(WG_PORT);
        assertThat(b.getShort(42) & 0xffff).isEqualTo(40000);
        assertThat(q[54]).isEqualTo((byte) 0xff); // suggested external address ::ffff:0.0.0.0
    }

    @Test
    void natPmpRequestLayout() {
        assertThat(NatPmp.externalAddressRequest()).containsExactly(0, 0);
        assertThat(NatPmp.mapUdpRequest(WG_PORT, 0, 0)).containsExactly(0, 1, 0, 0, 0xa2, 0xa9, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void natPmpReplyParsing() throws Exception {
        byte[] mapped = {0, (byte) 129, 0, 0, 0, 0, 0, 9, (byte) 0xa2, (byte) 0xa9, (byte) 0x9c, 0x40, 0, 0, 0x1c, 0x20};
        assertThat(NatPmp.parse(mapped, 16, 1, WG_PORT)).isEqualTo(new Reply.Mapped(WG_PORT, 40000, 7200, null));
        assertThatThrownBy(() -> NatPmp.parse(mapped, 15, 1, WG_PORT)).hasMessageContaining("15 bytes");
        assertThatThrownBy(() -> NatPmp.parse(mapped, 16, 1, 1234)).hasMessageContaining("internal port");
        assertThatThrownBy(() -> NatPmp.parse(mapped, 16, 0, 0)).hasMessageContaining("opcode");
        byte[] refused = {0, (byte) 129, 0, 2, 0, 0, 0, 9};
        assertThat(NatPmp.parse(refused, 8, 1, WG_PORT)).isEqualTo(new Reply.Refused(2, NatPmp.meaning(2)));
        assertThatThrownBy(() -> NatPmp.parse(refused, 7, 1, WG_PORT)).hasMessageContaining("error reply of 7");
    }
}
