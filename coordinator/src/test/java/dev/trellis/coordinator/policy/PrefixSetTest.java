package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PrefixSetTest {
    private static List<String> aggregate(String... prefixes) {
        return PrefixSet.aggregate(Stream.of(prefixes).map(IpPrefix::parse).toList());
    }

    @Test
    void mergesSiblingsAndDropsCoveredPrefixes() {
        assertThat(aggregate()).isEmpty();
        assertThat(aggregate("100.64.0.7")).containsExactly("100.64.0.7");
        assertThat(aggregate("100.64.0.1", "100.64.0.0", "100.64.0.3", "100.64.0.2")).containsExactly("100.64.0.0/30");
        assertThat(aggregate("100.64.0.1", "100.64.0.2")).containsExactly("100.64.0.1", "100.64.0.2");
        assertThat(aggregate("10.0.0.0/8", "10.1.2.3", "10.0.0.0/8")).containsExactly("10.0.0.0/8");
        assertThat(aggregate("10.1.2.3", "10.0.0.0/8")).containsExactly("10.0.0.0/8");
        assertThat(aggregate("0.0.0.0/1", "128.0.0.0/1")).containsExactly("0.0.0.0/0");
        assertThat(aggregate("fd7a::1", "100.64.0.1", "fd7a::")).containsExactly("100.64.0.1", "fd7a::/127");
        assertThat(aggregate("fd7a:115c:a1e0::/49", "fd7a:115c:a1e0:8000::/49")).containsExactly("fd7a:115c:a1e0::/48");
        assertThat(aggregate("::/1", "8000::/1")).containsExactly("::/0");
        // crossing the 64-bit boundary of the IPv6 representation
        assertThat(aggregate("fd00:0:0:0::/64", "fd00:0:0:1::/64")).containsExactly("fd00::/63");
    }

    @Test
    void aRunOfHostsCollapsesToItsCidrBlocks() {
        List<IpPrefix> hosts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            hosts.add(IpPrefix.parse("100.64." + (i / 256) + "." + (i % 256)));
        }
        Collections.shuffle(hosts, new Random(1));
        // 0..999 = 512 + 256 + 128 + 64 + 32 + 8
        assertThat(PrefixSet.aggregate(hosts)).containsExactly("100.64.0.0/23", "100.64.2.0/24", "100.64.3.0/25",
                "100.64.3.128/26", "100.64.3.192/27", "100.64.3.224/29");
    }

    @Test
    void ipv6AcrossTheMiddleOfTheAddress() {
        // bits 56..72 straddle the two longs the aggregation works on
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<IpPrefix> input = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] a = new byte[16];
                a[0] = (byte) 0xfd;
                a[7] = (byte) random.nextInt(4);
                a[8] = (byte) (random.nextInt(4) << 6);
                input.add(new IpPrefix(a, 56 + random.nextInt(17)));
            }
            List<IpPrefix> output = PrefixSet.aggregate(input).stream().map(IpPrefix::parse).toList();
            for (int x = 0; x < 4; x++) {
                for (int y = 0; y < 4; y++) {
                    byte[] ip = new byte[16];
                    ip[0] = (byte) 0xfd;
                    ip[7] = (byte) x;
                    ip[8] = (byte) (y << 6);
                    boolean in = input.stream().anyMatch(p -> p.contains(ip));
                    long out = output.stream().filter(p -> p.contains(ip)).count();
                    assertThat(out).as("%s in round %d: %s", java.util.Arrays.toString(ip), round, output)
                            .isEqualTo(in ? 1 : 0);
                }
            }
        }
    }

    @Test
    void coversExactlyTheSameAddresses() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<IpPrefix> input = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                input.add(new IpPrefix(new byte[] {10, 0, (byte) random.nextInt(2), (byte) random.nextInt(256)},
                        24 + random.nextInt(9)));
            }
            List<IpPrefix> output = PrefixSet.aggregate(input).stream().map(IpPrefix::parse).toList();
            for (int a = 0; a < 512; a++) {
                byte[] ip = {10, 0, (byte) (a >> 8), (byte) a};
                boolean in = input.stream().anyMatch(p -> p.contains(ip));
                long out = output.stream().filter(p -> p.contains(ip)).count();
                assertThat(out).as("address %s in round %d", a, round).isEqualTo(in ? 1 : 0);
            }
        }
    }
}
