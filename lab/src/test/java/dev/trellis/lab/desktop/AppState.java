package dev.trellis.lab.desktop;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the desktop app shows, as its {@code --state-file} says (the app replaces the file
 * atomically on every change, so a read never sees half of it). Mirrors the app's
 * {@code StateFile.Shown} by field name; fields the app adds later are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record AppState(String state, String statusLine, String tooltip, String tray, String backend, String self,
    List<String> selfAddresses, List<Peer> peers, List<String> warnings, String lastError, long readyMillis) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A state file is a few KiB; anything far bigger is not one. */
  private static final long MAX_BYTES = 1 << 20;

  AppState {
    selfAddresses = selfAddresses == null ? List.of() : List.copyOf(selfAddresses);
    peers = peers == null ? List.of() : List.copyOf(peers);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** One row of the app's peer list. {@code path} is DIRECT, RELAYED or NONE. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Peer(String name, String dnsName, String user, List<String> addresses, boolean online, String path,
      String pathText, String latency) {
    Peer {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
  }

  /** The file's content, or empty while the app has not written it yet. */
  static Optional<AppState> read(Path file) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new LabException(file + " is " + Files.size(file) + " bytes: not a state file");
      }
      return Optional.of(JSON.readValue(Files.readAllBytes(file), AppState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new LabException("cannot read the app's state file " + file + ": " + e.getMessage(), e);
    }
  }

  Optional<Peer> peer(String name) {
    return peers.stream().filter(p -> name.equals(p.name())).findFirst();
  }

  boolean connected() {
    return "CONNECTED".equals(state) || "WARNING".equals(state);
  }
}
