package dev.trellis.protocol.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalApiTypesTest {

    /** Tailscale's names are irregular, so each one is spelled out; none may be left implicit. */
    @Test
    void everyRecordComponentNamesItsJsonField() {
        List<Class<?>> records = List.of(Status.class, PeerStatus.class, TailnetStatus.class, UserProfile.class,
                Prefs.class, MaskedPrefs.class, Options.class, Notify.class, EngineStatus.class, HealthState.class,
                HealthState.Warning.class, NetMap.class, NetMapNode.class, NetMapNode.Hostinfo.class,
                ErrorResponse.class);
        for (Class<?> r : records) {
            for (RecordComponent c : r.getRecordComponents()) {
                // @JsonProperty does not target record components; Java copies it to the accessor.
                var accessor = c.getAccessor();
                boolean named = accessor.isAnnotationPresent(JsonProperty.class)
                        || accessor.isAnnotationPresent(JsonUnwrapped.class);
                assertThat(named).as(r.getSimpleName() + "." + c.getName()).isTrue();
            }
        }
    }

    @Test
    void backendStatesHaveTailscalesNumbersAndNames() {
        List<String> tailscale = List.of("NoState", "InUseOtherUser", "NeedsLogin", "NeedsMachineAuth",
                "Stopped", "Starting", "Running");
        for (int i = 0; i < tailscale.size(); i++) {
            BackendState s = BackendState.fromNumber(i);
            assertThat(s.number()).isEqualTo(i);
            assertThat(s.tailscaleName()).isEqualTo(tailscale.get(i));
            assertThat(BackendState.fromTailscaleName(tailscale.get(i))).isSameAs(s);
        }
        assertThat(BackendState.values()).hasSize(tailscale.size());
        assertThatThrownBy(() -> BackendState.fromNumber(7)).hasMessageContaining("unknown backend state number 7");
        assertThatThrownBy(() -> BackendState.fromTailscaleName("running")).hasMessageContaining("'running'");
    }

    @Test
    void watchOptsHaveTailscalesBits() {
        assertThat(WatchOpt.ENGINE_UPDATES.bit()).isEqualTo(1);
        assertThat(WatchOpt.INITIAL_STATE.bit()).isEqualTo(2);
        assertThat(WatchOpt.INITIAL_PREFS.bit()).isEqualTo(4);
        assertThat(WatchOpt.INITIAL_NET_MAP.bit()).isEqualTo(8);
        assertThat(WatchOpt.NO_PRIVATE_KEYS.bit()).isEqualTo(16);
        assertThat(WatchOpt.INITIAL_HEALTH_STATE.bit()).isEqualTo(128);
        assertThat(WatchOpt.RATE_LIMIT.bit()).isEqualTo(256);
        long mask = WatchOpt.mask(WatchOpt.INITIAL_STATE, WatchOpt.INITIAL_PREFS);
        assertThat(mask).isEqualTo(6);
        assertThat(LocalApiPaths.watchIpnBus(mask)).isEqualTo("/localapi/v0/watch-ipn-bus?mask=6");
        assertThat(WatchOpt.fromMask(mask | (1L << 40))).isEqualTo(Set.of(WatchOpt.INITIAL_STATE, WatchOpt.INITIAL_PREFS));
        assertThat(WatchOpt.INITIAL_PREFS.isSetIn(mask)).isTrue();
        assertThat(WatchOpt.ENGINE_UPDATES.isSetIn(mask)).isFalse();
    }

    @Test
    void watchMaskParsesLikeGosParseUint() {
        assertThat(WatchOpt.parseMask(null)).isZero();
        assertThat(WatchOpt.parseMask("")).isZero();
        assertThat(WatchOpt.parseMask("6")).isEqualTo(6);
        assertThat(WatchOpt.parseMask("18446744073709551615")).isEqualTo(-1L);
        for (String bad : List.of("-1", "0x6", "6 ", "18446744073709551616", "1".repeat(400), "six")) {
            assertThatThrownBy(() -> WatchOpt.parseMask(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watch mask");
        }
    }

    @Test
    void pathsAreTailscales() {
        assertThat(LocalApiPaths.STATUS).isEqualTo("/localapi/v0/status");
        assertThat(LocalApiPaths.PREFS).isEqualTo("/localapi/v0/prefs");
        assertThat(LocalApiPaths.START).isEqualTo("/localapi/v0/start");
        assertThat(LocalApiPaths.LOGIN_INTERACTIVE).isEqualTo("/localapi/v0/login-interactive");
        assertThat(LocalApiPaths.LOGOUT).isEqualTo("/localapi/v0/logout");
        assertThat(LocalApiPaths.WATCH_IPN_BUS).isEqualTo("/localapi/v0/watch-ipn-bus");
        assertThat(LocalApiPaths.WHOIS).isEqualTo("/localapi/v0/whois");
    }
}
