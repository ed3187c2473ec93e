package dev.trellis.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.RelayMap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NAT lab's parsers and generated files, without root or namespaces. */
class NatLabPartsTest {
  @Test
  void impairmentParsesTheNetemWordsTheLabSupportsAndRefusesTheRest() {
    Impairment i = Impairment.parse(" loss 5%  delay 20ms 5ms reorder 25% ");
    assertThat(i).isEqualTo(new Impairment(5, Duration.ofMillis(20), Duration.ofMillis(5), 25));
    assertThat(i.netemWords()).containsExactly("delay", "20000us", "5000us", "reorder", "25.0%", "loss", "5.0%");
    assertThat(Impairment.parse("delay 0.5s").delay()).isEqualTo(Duration.ofMillis(500));
    assertThat(Impairment.parse("loss 2.5%").netemWords()).containsExactly("loss", "2.5%");

    assertThatThrownBy(() -> Impairment.parse("loss 5% 25%")).hasMessageContaining("unsupported netem word \"25%\"");
    assertThatThrownBy(() -> Impairment.parse("rate 1mbit")).hasMessageContaining("\"rate\"");
    assertThatThrownBy(() -> Impairment.parse("loss 5")).hasMessageContaining("percentage");
    assertThatThrownBy(() -> Impairment.parse("loss 101%")).hasMessageContaining("0..100");
    assertThatThrownBy(() -> Impairment.parse("delay")).hasMessageContaining("time like 20ms");
    assertThatThrownBy(() -> Impairment.parse("reorder 25%")).hasMessageContaining("needs a delay");
    assertThatThrownBy(() -> Impairment.parse("delay 5ms 10ms")).hasMessageContaining("jitter");
  }

  @Test
  void probeReportReadsMappedAddressesAndHttpStatusesAndRefusesStrangeLines() {
    ProbeReport r = ProbeReport.parse("""
        udp-local 40000
        stun 198.19.2.2:3478 mapped 198.19.11.2:40000
        stun 198.19.3.2:3478 none SocketTimeoutException: no STUN answer from /198.19.3.2:3478 within 2000 ms
        http 198.19.2.2:8443 status 200 ok region 1
        http 198.19.3.2:8443 none ConnectException: Connection refused
        """);
    assertThat(r.localPort()).isEqualTo(40000);
    assertThat(r.mapped("198.19.2.2:3478")).contains(new InetSocketAddress("198.19.11.2", 40000));
    assertThat(r.mapped("198.19.3.2:3478")).isEmpty();
    assertThat(r.httpStatus("198.19.2.2:8443")).contains(200);
    assertThat(r.httpStatus("198.19.3.2:8443")).isEmpty();
    assertThatThrownBy(() -> r.mapped("198.19.4.2:3478")).hasMessageContaining("did not ask STUN server 198.19.4.2:3478");

    assertThatThrownBy(() -> ProbeReport.parse("udp-local 1\nbogus line")).hasMessageContaining("\"bogus line\"");
    assertThatThrownBy(() -> ProbeReport.parse("stun 1.2.3.4:5 none x")).hasMessageContaining("no udp-local");
  }

  @Test
  void theRelayMapNamesEachRegionsRelayByLiteralAddressInTheProtocolsFieldNames() throws Exception {
    List<RelayProcess> relays = List.of(new RelayProcess(null, 1, "198.19.2.2", 8443, 3478, null, null),
        new RelayProcess(null, 2, "198.19.3.2", 8443, 3478, null, null));
    String json = ControlCodec.mapper().writeValueAsString(RelayMapJson.of(relays));
    assertThat(json).contains("\"IPv4\":\"198.19.2.2\"", "\"STUNPort\":3478", "\"RelayPort\":8443",
        "\"InsecureForTests\":true", "\"ID\":2");
    RelayMap map = ControlCodec.mapper().readValue(json, RelayMap.class).validate();
    assertThat(map.region(2).orElseThrow().relays().getFirst().ipv4()).isEqualTo("198.19.3.2");
  }

  @Test
  void eachNatKindHasItsRules() {
    assertThat(Nat.NONE.rules("wan0", "lan0")).isEmpty();
    assertThat(Nat.EIM.rules("wan0", "lan0").getFirst()).containsExactly("-t", "nat", "-A", "POSTROUTING", "-o", "wan0",
        "-j", "MASQUERADE");
    assertThat(Nat.EDM.rules("wan0", "lan0").getFirst()).endsWith("MASQUERADE", "--random-fully");
    assertThat(Nat.UDP_BLOCKED.rules("wan0", "lan0")).contains(List.of("-A", "FORWARD", "-p", "udp", "-j", "DROP"));
    assertThat(Nat.EIM.rules("wan0", "lan0")).noneMatch(rule -> rule.contains("udp"));
  }
}
