package dev.trellis.desktop.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.PeerView;
import dev.trellis.desktop.platform.ConfigFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes what the app shows to a file, as JSON, on every change ({@code --state-file}): for
 * end-to-end tests and automation, which can then read the app's state without scraping pixels.
 * The file is replaced atomically, so a reader never sees half of it. It is written when the
 * window's content changes, which JavaFX draws on its next frame, a few milliseconds later: a
 * test that takes a screenshot after reading it waits for the frame (two equal captures).
 */
public final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** One peer as the list shows it. */
    public record Peer(String name, String dnsName, String user, List<String> addresses, boolean online,
            String path, String pathText, String latency) {}

    /** The whole picture: the tray's state and kind, the status line, this device and the peers. */
    public record Shown(String state, String statusLine, String tooltip, String tray, String backend, String self,
            List<String> selfAddresses, List<Peer> peers, List<String> warnings, String lastError,
            long readyMillis) {}

    private final Path file;

    public StateFile(Path file) {
        this.file = file;
    }

    public static Shown shown(AppView v, String trayKind, String lastError, long readyMillis) {
        List<Peer> peers = v.peers().stream().map(StateFile::peer).toList();
        return new Shown(v.state().name(), v.statusLine(), v.tooltip(), trayKind,
                v.backend() == null ? null : v.backend().tailscaleName(),
                v.self() == null ? null : v.self().name(), v.self() == null ? List.of() : v.self().addresses(),
                peers, v.warnings(), lastError, readyMillis);
    }

    private static Peer peer(PeerView p) {
        return new Peer(p.name(), p.dnsName(), p.user(), p.addresses(), p.online(), p.path().name(), p.pathText(),
                dev.trellis.desktop.model.Formats.latency(p.latency()));
    }

    public void write(Shown s) throws IOException {
        ConfigFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s) + "\n");
    }
}
