package dev.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lab's parsers against captured tool output; needs no root. */
class LabParsersTest {

  @Test
  void parsesWgDump() {
    WgDump dump = WgDump.parse("""
        4N9CgUj31UmA7E4c1BGCgrk7MKR0ZSKZyAJt2lG3nWQ=\tyRBC6I0tp6EmLSaBukq4cXIHRkYkzY6qBrLXqpM4q2Q=\t51820\toff
        QLIt/cstqDA0cNPPf8P3xZJpQ1v5ZK+d31qcxfb6cwM=\t(none)\t198.18.1.2:51820\t100.64.0.2/32,fd7a:115c:a1e0::2/128\t1795625269\t1164\t1220\toff
        KJ9scC1nilL2H7/FVsE8p4IPmnZmfjol4ERf7xbNtk0=\tc2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\t(none)\t(none)\t0\t0\t0\t25
        """);
    assertThat(dump.publicKey()).isEqualTo("yRBC6I0tp6EmLSaBukq4cXIHRkYkzY6qBrLXqpM4q2Q=");
    assertThat(dump.listenPort()).isEqualTo(51820);
    WgDump.Peer first = dump.peer("QLIt/cstqDA0cNPPf8P3xZJpQ1v5ZK+d31qcxfb6cwM=").orElseThrow();
    assertThat(first.endpoint()).contains("198.18.1.2:51820");
    assertThat(first.presharedKey()).isEmpty();
    assertThat(first.allowedIps()).containsExactly("100.64.0.2/32", "fd7a:115c:a1e0::2/128");
    assertThat(first.latestHandshakeEpochSeconds()).isEqualTo(1795625269L);
    assertThat(first.rxBytes()).isEqualTo(1164);
    assertThat(first.txBytes()).isEqualTo(1220);
    WgDump.Peer second = dump.peers().get(1);
    assertThat(second.hasHandshake()).isFalse();
    assertThat(second.endpoint()).isEqualTo(Optional.empty());
    assertThat(second.allowedIps()).isEmpty();
    assertThat(second.presharedKey()).contains("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=");
  }

  @Test
  void rejectsMalformedDump() {
    assertThatThrownBy(() -> WgDump.parse("a\tb\n")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesPingSummaries() {
    Ping ok = Ping.parse("""
        64 bytes from 100.64.0.2: icmp_seq=3 ttl=64 time=0.423 ms

        --- 100.64.0.2 ping statistics ---
        3 packets transmitted, 3 received, 0% packet loss, time 403ms
        rtt min/avg/max/mdev = 0.406/1.619/4.028/1.703 ms
        """);
    assertThat(ok.allReplied()).isTrue();
    assertThat(ok.avgRttMs()).hasValue(1.619);

    Ping lost = Ping.parse("""
        --- 100.64.0.2 ping statistics ---
        3 packets transmitted, 0 received, 100% packet loss, time 405ms
        """);
    assertThat(lost.received()).isZero();
    assertThat(lost.allReplied()).isFalse();
    assertThat(lost.avgRttMs()).isEmpty();

    Ping unreachable = Ping.parse("ping: connect: Network is unreachable\n");
    assertThat(unreachable.transmitted()).isZero();
    assertThat(unreachable.allReplied()).isFalse();
  }

  @Test
  void readsReceiverRateFromIperf3Json() {
    String json = """
        {"end": {
          "sum_sent": {"start": 0, "end": 2.0, "bits_per_second": 1.5e9, "retransmits": 0},
          "sum_received":\t{
            "start":\t0,
            "seconds":\t2.002921,
            "bytes":\t160270968,
            "bits_per_second":\t640148934.4811902,
            "sender":\ttrue
          },
          "cpu_utilization_percent": {"host_total": 1.5}
        }}
        """;
    assertThat(Iperf3.receivedBitsPerSecond(json)).isEqualTo(640148934.4811902);
    assertThatThrownBy(() -> Iperf3.receivedBitsPerSecond("{\"error\": \"unable to connect to server\"}"))
        .hasMessageContaining("unable to connect");
  }

  @Test
  void staleNamesCarryTheOwnerPid() {
    assertThat(StaleLabCleaner.NAMESPACE.matcher("trl-4194304-1a").matches()).isTrue();
    assertThat(StaleLabCleaner.NAMESPACE.matcher("trl-sh-a").matches()).isFalse();
    assertThat(StaleLabCleaner.NAMESPACE.matcher("probe-ns-1").matches()).isFalse();
    assertThat(StaleLabCleaner.UAPI_SOCKET.matcher("tw123-1a.sock").matches()).isTrue();
    assertThat(StaleLabCleaner.UAPI_SOCKET.matcher("wg0.sock").matches()).isFalse();
  }

  @Test
  void selectsPairsFromSpec() {
    assertThat(ImplPair.parse("wireguard-go:trellis, TRELLIS:wg-go")).containsExactly(
        new ImplPair(Impl.WIREGUARD_GO, Impl.TRELLIS), new ImplPair(Impl.TRELLIS, Impl.WIREGUARD_GO));
    assertThat(ImplPair.parse("")).hasSize(4);
    assertThatThrownBy(() -> ImplPair.parse("trellis")).hasMessageContaining("A:B");
    assertThat(List.of(Impl.values())).extracting(Impl::label).containsExactly("wireguard-go", "trellis");
  }
}
