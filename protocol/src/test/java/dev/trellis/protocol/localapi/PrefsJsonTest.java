package dev.trellis.protocol.localapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.protocol.net.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prefs, MaskedPrefs, Options and ErrorResponse against JSON written from ipn/prefs.go. */
class PrefsJsonTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    static final Prefs FULL = new Prefs("https://coord.example", false, true, true, false, false,
            List.of("tag:server"), "laptop", List.of(IpPrefix.parse("10.0.0.0/24")), "alice");

    @Test
    void prefsHaveTailscaleFieldNames() throws Exception {
        assertThat(TREE.readTree(LocalApiJson.encode(FULL))).isEqualTo(TREE.readTree("""
                {"ControlURL":"https://coord.example","RouteAll":false,"CorpDNS":true,"WantRunning":true,
                 "LoggedOut":false,"ShieldsUp":false,"AdvertiseTags":["tag:server"],"Hostname":"laptop",
                 "AdvertiseRoutes":["10.0.0.0/24"],"OperatorUser":"alice"}
                """));
        assertThat(LocalApiJson.decode(LocalApiJson.encode(FULL), Prefs.class)).isEqualTo(FULL);
    }

    @Test
    void givenEmptyValuesAreWrittenBecauseTheyDifferFromNotGiven() {
        Prefs p = Prefs.builder().hostname("").advertiseTags(List.of()).build();
        assertThat(new String(LocalApiJson.encode(p), UTF_8)).isEqualTo("{\"AdvertiseTags\":[],\"Hostname\":\"\"}");
        assertThat(new String(LocalApiJson.encode(Prefs.NONE), UTF_8)).isEqualTo("{}");
    }

    @Test
    void downIsWantRunningFalseWithItsFlag() {
        MaskedPrefs down = MaskedPrefs.builder().wantRunning(false).build();
        assertThat(new String(LocalApiJson.encode(down), UTF_8))
                .isEqualTo("{\"WantRunning\":false,\"WantRunningSet\":true}");
    }

    @Test
    void maskedPrefsIsFlatAndReadsGoOutput() throws Exception {
        // Go writes every Prefs field (embedded struct) plus only the true flags.
        String go = """
                {"ControlURL":"","RouteAll":false,"ExitNodeID":"","CorpDNS":false,"WantRunning":true,
                 "LoggedOut":false,"Hostname":"","AdvertiseRoutes":null,"Config":null,
                 "WantRunningSet":true,"HostnameSet":true,"EggSet":true}
                """;
        MaskedPrefs mp = LocalApiJson.decode(go.getBytes(UTF_8), MaskedPrefs.class);
        assertThat(mp.wantRunningSet()).isTrue();
        assertThat(mp.hostnameSet()).isTrue();
        assertThat(mp.corpDnsSet()).isFalse();
        assertThat(mp.applyTo(FULL)).isEqualTo(FULL.toBuilder().hostname("").build());
        MaskedPrefs built = MaskedPrefs.builder().hostname("h").controlUrl("https://c").build();
        assertThat(LocalApiJson.decode(LocalApiJson.encode(built), MaskedPrefs.class)).isEqualTo(built);
    }

    @Test
    void applyToChangesOnlyFlaggedFieldsAndAbsentFlaggedFieldsMeanEmpty() throws Exception {
        MaskedPrefs onlyFlags = LocalApiJson.decode(
                "{\"AdvertiseTagsSet\":true,\"CorpDNSSet\":true,\"ShieldsUp\":true}".getBytes(UTF_8), MaskedPrefs.class);
        Prefs after = onlyFlags.applyTo(FULL);
        assertThat(after.advertiseTags()).isEmpty();
        assertThat(after.corpDns()).isFalse();
        assertThat(after.shieldsUp()).as("value without its flag is ignored").isFalse();
        assertThat(after.hostname()).isEqualTo("laptop");
        assertThat(MaskedPrefs.builder().build().isEmpty()).isTrue();
        assertThat(MaskedPrefs.builder().wantRunning(false).build().applyTo(Prefs.NONE))
                .as("unknown current values stay unknown").isEqualTo(Prefs.builder().wantRunning(false).build());
        assertThat(onlyFlags.isEmpty()).isFalse();
    }

    @Test
    void mergeAppliesGivenFieldsOnly() {
        Prefs update = Prefs.builder().controlUrl("https://other.example").wantRunning(false).build();
        assertThat(FULL.merge(update))
                .isEqualTo(FULL.toBuilder().controlUrl("https://other.example").wantRunning(false).build());
        assertThat(FULL.merge(Prefs.NONE)).isEqualTo(FULL);
    }

    @Test
    void optionsHaveTailscaleFieldNamesAndHideTheAuthKey() throws Exception {
        Options o = new Options("tskey-secret-123", Prefs.builder().wantRunning(true).hostname("h").build());
        assertThat(TREE.readTree(LocalApiJson.encode(o))).isEqualTo(TREE.readTree("""
                {"AuthKey":"tskey-secret-123","UpdatePrefs":{"WantRunning":true,"Hostname":"h"}}
                """));
        assertThat(LocalApiJson.decode(LocalApiJson.encode(o), Options.class)).isEqualTo(o);
        assertThat(o.toString()).doesNotContain("secret").contains("[redacted]");
        assertThat(new String(LocalApiJson.encode(new Options(null, null)), UTF_8)).isEqualTo("{}");
    }

    @Test
    void errorResponseIsTailscalesShapeWithOptionalCodeAndGroup() throws Exception {
        assertThat(new String(LocalApiJson.encode(ErrorResponse.of("boom")), UTF_8)).isEqualTo("{\"error\":\"boom\"}");
        var denied = new ErrorResponse("access denied", ErrorCode.PERMISSION_DENIED, "trellis");
        assertThat(new String(LocalApiJson.encode(denied), UTF_8))
                .isEqualTo("{\"error\":\"access denied\",\"code\":\"permission-denied\",\"group\":\"trellis\"}");
        assertThat(LocalApiJson.decode(LocalApiJson.encode(denied), ErrorResponse.class)).isEqualTo(denied);
    }
}
