package dev.trellis.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.localapi.LocalApiPaths;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesktopOptionsTest {
    private static DesktopOptions parse(String... args) throws Exception {
        return DesktopOptions.parse(args, null, new String[1]);
    }

    @Test
    void defaultsAndEveryOption() throws Exception {
        DesktopOptions d = parse();
        assertThat(d.socket()).isEqualTo(Path.of(LocalApiPaths.DEFAULT_SOCKET));
        assertThat(d.tray()).isEqualTo("auto");
        assertThat(d.hidden()).isFalse();
        DesktopOptions o = parse("--socket", "/tmp/s.sock", "--hidden", "--tray=XEMBED", "--theme", "dark",
                "--browser", "chromium --incognito", "--state-file=/tmp/state.json");
        assertThat(o).isEqualTo(new DesktopOptions(Path.of("/tmp/s.sock"), true, "xembed", "dark",
                List.of("chromium", "--incognito"), Path.of("/tmp/state.json")));
        assertThat(DesktopOptions.parse(new String[0], "/run/t.sock", new String[1]).socket())
                .isEqualTo(Path.of("/run/t.sock"));
        String[] out = new String[1];
        assertThat(DesktopOptions.parse(new String[] {"--version"}, null, out)).isNull();
        assertThat(out[0]).isEqualTo("version");
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("--tray", "kde")).hasMessage("--tray must be one of auto, sni, xembed, none, not 'kde'");
        assertThatThrownBy(() -> parse("--socket")).hasMessage("--socket needs a value");
        assertThatThrownBy(() -> parse("--bogus")).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> parse("connect")).hasMessageContaining("takes options only");
        assertThatThrownBy(() -> parse("--hidden=yes")).hasMessage("--hidden takes no value");
        assertThatThrownBy(() -> parse("--theme=")).hasMessage("--theme needs a value");
    }
}
