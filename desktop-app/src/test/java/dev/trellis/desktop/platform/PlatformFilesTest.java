package dev.trellis.desktop.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformFilesTest {
    @TempDir
    Path dir;

    @Test
    void settingsDefaultRoundTripAndStayPrivate() throws Exception {
        AppSettings s = new AppSettings(dir.resolve("trellis/desktop.properties"));
        assertThat(s.connectOnStart()).isFalse();
        s.setConnectOnStart(true);
        assertThat(new AppSettings(s.file()).connectOnStart()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file()))).isEqualTo("rw-------");
        Files.writeString(s.file(), "connectOnStart=\\u12"); // malformed escape: defaults, no crash
        assertThat(s.connectOnStart()).isFalse();
    }

    @Test
    void autostartEntryExistsExactlyWhenOnAndQuotesItsCommand() throws Exception {
        Autostart a = new Autostart(dir.resolve("autostart/" + Autostart.FILE_NAME),
                List.of("/opt/My Apps/trellis-desktop", "--hidden"));
        assertThat(a.enabled()).isFalse();
        a.setEnabled(true);
        assertThat(a.enabled()).isTrue();
        String text = Files.readString(a.file());
        assertThat(text).startsWith("[Desktop Entry]\n").contains("Type=Application\n")
                .contains("Exec=\"/opt/My Apps/trellis-desktop\" --hidden\n");
        a.setEnabled(false);
        assertThat(a.enabled()).isFalse();
        a.setEnabled(false); // idempotent
    }

    @Test
    void execQuotingFollowsTheDesktopEntrySpec() {
        assertThat(Autostart.quote("/usr/bin/trellis-desktop")).isEqualTo("/usr/bin/trellis-desktop");
        assertThat(Autostart.quote("a$b")).isEqualTo("\"a\\\\$b\"");
        assertThat(Autostart.quote("100%")).isEqualTo("\"100%%\"");
        assertThat(Autostart.quote("")).isEqualTo("\"\"");
        assertThatThrownBy(() -> Autostart.quote("a\nb")).hasMessageContaining("line break");
    }
}
