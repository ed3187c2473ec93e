package dev.trellis.coordinator.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayMapFileTest {
    @TempDir
    Path dir;

    @Test
    void readsCommentsAndTrailingCommasAndRefusesWhatNodesCouldNotUse() throws Exception {
        Path ok = Files.writeString(dir.resolve("relays.json"), """
                // the lab's relays
                {"Regions": [
                  {"ID": 1, "Code": "lab", "Name": "Lab", "Relays": [
                    {"Name": "r1", "HostName": "198.18.0.1", "IPv4": "198.18.0.1", "RelayPort": 8443, "STUNPort": 3478,
                     "InsecureForTests": true},
                  ]},
                ]}
                """);
        assertThat(RelayMapFile.read(ok).region(1).orElseThrow().relays()).hasSize(1);

        // the example in docs/coordinator.md: no InsecureForTests
        Path documented = Files.writeString(dir.resolve("documented.json"), """
                {"Regions": [
                  {"ID": 1, "Code": "fra", "Name": "Frankfurt", "Relays": [
                    {"Name": "fra1", "HostName": "relay-fra1.example.com", "IPv4": "198.18.0.10", "RelayPort": 443, "STUNPort": 3478},
                  ]},
                ]}
                """);
        assertThat(RelayMapFile.read(documented).region(1).orElseThrow().relays().getFirst().insecureForTests()).isFalse();

        Path typo = Files.writeString(dir.resolve("typo.json"), "{\"Regions\": [{\"ID\": 1, \"Cod\": \"x\"}]}");
        assertThatThrownBy(() -> RelayMapFile.read(typo)).hasMessageContaining("Cod").hasMessageContaining("line 1");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"Regions\": [{\"ID\": 0, \"Code\": \"x\", \"Relays\": []}]}");
        assertThatThrownBy(() -> RelayMapFile.read(bad)).hasMessageContaining("bad.json").hasMessageContaining("region 0");
    }
}
