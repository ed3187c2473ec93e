package dev.trellis.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // RFC 5952 4.2.2: one zero group stays
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",            // 4.2.3: the longest run
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",      // 4.2.3: the first of equal runs
        "0:0:0:0:0:0:0:1, ::1",
        "1:0:0:0:0:0:0:0, 1::",
        "0001:0002:0003:0004:0005:0006:0007:0008, 1:2:3:4:5:6:7:8",
        "::ffff:1.2.3.4, ::ffff:1.2.3.4",              // Go prints IPv4-mapped in mixed form
        "::ffff:102:304, ::ffff:1.2.3.4",
        "::1.2.3.4, ::102:304",                        // ...and nothing else
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "fd7a:115c:a1e0::2, fd7a:115c:a1e0::2",
    })
    void parsesAndPrintsAsGo(String text, String printed) {
        byte[] raw = IpLiterals.parseAddress(text);
        assertThat(raw).as(text).isNotNull();
        assertThat(IpLiterals.format(raw)).isEqualTo(printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1.1.1.01", "1..1.1", "1.1.1.1.",
        ".1.1.1.1", "+1.1.1.1", "1.1.1.1 ", "0x1.1.1.1", "\u0661.1.1.1", "1.2.3.1000", "::1::", ":::", "1:2", ":1::",
        "1::2:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::", "::1%lo",
        "fe80::1%25eth0", "::1.2.3", "::1.2.3.04", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "::ffff:1.2.3.4:1",
        "[::1]", "\u0661::", "::\uff11", "localhost", "a:b:c:d:e:f:g:h"})
    void refusesAnythingButStrictNumericLiterals(String text) {
        assertThat(IpLiterals.parseAddress(text)).as(text).isNull();
    }

    @Test
    void endpointsAreFormattedWithBracketsForIpv6Only() throws Exception {
        assertThat(IpLiterals.formatEndpoint(new java.net.InetSocketAddress(InetAddress.getByName("198.18.0.1"), 41641)))
                .isEqualTo("198.18.0.1:41641");
        assertThat(IpLiterals.formatEndpoint(new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:2"), 1)))
                .isEqualTo("[2001:db8::2]:1");
    }

    @Test
    void printedAddressesReadBackAndAgreeWithTheJdk() throws Exception {
        Random random = new Random(5952);
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(raw);
            for (int j = 0; j < raw.length; j++) {
                if (random.nextInt(3) == 0) {
                    raw[j] = 0; // make zero runs common
                }
            }
            String text = IpLiterals.format(raw);
            assertThat(IpLiterals.parseAddress(text)).as(text).isEqualTo(raw);
            byte[] jdk = InetAddress.getByName(text).getAddress();
            if (jdk.length == raw.length) { // the JDK turns ::ffff:a.b.c.d into IPv4
                assertThat(jdk).as(text).isEqualTo(raw);
            }
        }
    }
}
