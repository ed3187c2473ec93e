package dev.trellis.lab.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trellis.lab.LabException;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.RelayMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Writes the relay map for {@code trellis-coordinator serve --relay-map FILE}: one region per
 * relay, with literal IPv4 addresses and plain HTTP ({@code InsecureForTests}), encoded by the
 * control protocol's own codec so the field names are exactly what the coordinator reads.
 */
final class RelayMapJson {
  private RelayMapJson() {}

  /** The map of {@code relays}: region R is {@code ID} R, code {@code labR}, its relay named {@code relayR}. */
  static RelayMap of(Collection<RelayProcess> relays) {
    List<RelayMap.Region> regions = relays.stream().map(r -> new RelayMap.Region(r.region(), "lab" + r.region(),
        "NAT lab region " + r.region(), List.of(new RelayMap.Relay("relay" + r.region(), r.address(),
            r.address(), null, NatLab.RELAY_PORT, NatLab.STUN_PORT, true)))).toList();
    return new RelayMap(regions).validate();
  }

  static Path write(Path file, Collection<RelayProcess> relays) {
    try {
      Files.write(file, ControlCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(of(relays)));
      return file;
    } catch (JsonProcessingException e) {
      throw new LabException("cannot encode the relay map: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
