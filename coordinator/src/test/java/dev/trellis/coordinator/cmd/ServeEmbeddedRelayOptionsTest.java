package dev.trellis.coordinator.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --embedded-relay} refuses bad combinations before it starts anything. */
class ServeEmbeddedRelayOptionsTest {
    @TempDir
    Path dir;

    @Test
    void stunWithoutTheRelayIsRefused() {
        Cli.Result r = new Cli(dir.resolve("data")).run("serve", "--embedded-relay-stun", "127.0.0.1:3478");
        assertThat(r.code()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("--embedded-relay-stun goes with --embedded-relay");
    }

    @Test
    void aBadStunAddressIsNamed() {
        Cli.Result r = new Cli(dir.resolve("data")).run("serve", "--embedded-relay", "--embedded-relay-stun", "stun:x");
        assertThat(r.code()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("--embedded-relay-stun");
    }

    @Test
    void aRelayMapUsingRegion900IsRefused() throws Exception {
        Path map = Files.writeString(dir.resolve("relays.json"), """
                {"Regions": [{"ID": 900, "Code": "mine", "Name": "Mine", "Relays": [
                  {"Name": "mine1", "HostName": "198.18.0.10", "RelayPort": 443}]}]}
                """);
        Cli.Result r = new Cli(dir.resolve("data")).run("serve", "--embedded-relay", "--relay-map", map.toString());
        assertThat(r.code()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("region 900", "another ID");
        assertThat(Files.exists(dir.resolve("data").resolve("relay.key"))).isFalse();
    }
}
