package dev.trellis.desktop.tray.sni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.icons.StateIcons;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.tray.sni.StatusNotifierItem.Pixmap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Icons go out as ARGB32 in network byte order: per pixel the bytes A, R, G, B. */
class PixmapsTest {

    @Test
    void encodesArgbInNetworkByteOrder() {
        Pixmap p = Pixmaps.encode(new int[] {0x80FF2010, 0x00000000, 0xFF0000FF, 0x01020304}, 2, 2);
        assertThat(p.width).isEqualTo(2);
        assertThat(p.height).isEqualTo(2);
        assertThat(p.data).containsExactly(
                (byte) 0x80, (byte) 0xFF, 0x20, 0x10,
                0, 0, 0, 0,
                (byte) 0xFF, 0, 0, (byte) 0xFF,
                1, 2, 3, 4);
    }

    @Test
    void everyStateAtEveryPanelSize() {
        for (TrayState s : TrayState.values()) {
            List<Pixmap> pixmaps = Pixmaps.of(s);
            assertThat(pixmaps).extracting(p -> p.width).containsExactly(16, 22, 24, 32, 48, 64);
            for (Pixmap p : pixmaps) {
                assertThat(p.height).isEqualTo(p.width);
                assertThat(p.data).hasSize(p.width * p.height * 4);
                int[] argb = StateIcons.argb(s, p.width);
                int mid = p.width / 2 * p.width + p.width / 2;
                int decoded = (p.data[4 * mid] & 0xff) << 24 | (p.data[4 * mid + 1] & 0xff) << 16
                        | (p.data[4 * mid + 2] & 0xff) << 8 | (p.data[4 * mid + 3] & 0xff);
                assertThat(decoded).isEqualTo(argb[mid]);
            }
        }
    }

    @Test
    void aWrongPixelCountIsAClearError() {
        assertThatThrownBy(() -> Pixmaps.encode(new int[3], 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 4 pixels, got 3");
    }
}
