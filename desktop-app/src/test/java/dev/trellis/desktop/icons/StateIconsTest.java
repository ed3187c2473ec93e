package dev.trellis.desktop.icons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.model.TrayState;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateIconsTest {

    @Test
    void everyStateLooksDifferentFromEveryOtherAt22Pixels() {
        TrayState[] states = TrayState.values();
        for (int i = 0; i < states.length; i++) {
            for (int j = i + 1; j < states.length; j++) {
                int[] a = StateIcons.argb(states[i], 22);
                int[] b = StateIcons.argb(states[j], 22);
                // not merely different bits: a visible share of the pixels must differ
                assertThat(differingPixels(a, b))
                        .as("%s vs %s at 22 px", states[i], states[j])
                        .isGreaterThan(a.length / 20);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 22, 24, 32, 48, 64, 128})
    void drawsAtTheSizeAskedForWithTransparentCorners(int size) {
        for (TrayState state : TrayState.values()) {
            BufferedImage img = StateIcons.render(state, size);
            assertThat(img.getWidth()).isEqualTo(size);
            assertThat(img.getHeight()).isEqualTo(size);
            assertThat(img.getColorModel().hasAlpha()).isTrue();
            // the rounded tile leaves the top-left corner clear, and covers the left middle (where
            // neither a badge nor a slash cuts it)
            assertThat(img.getRGB(0, 0) >>> 24).as("%s corner alpha", state).isZero();
            assertThat(img.getRGB(size * 3 / 10, size * 6 / 10) >>> 24).as("%s tile alpha", state).isEqualTo(0xff);
            assertThat(StateIcons.argb(state, size)).hasSize(size * size);
        }
    }

    @Test
    void drawingIsDeterministic() {
        for (TrayState state : TrayState.values()) {
            assertThat(StateIcons.argb(state, 24)).isEqualTo(StateIcons.argb(state, 24));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 7, 1025, Integer.MAX_VALUE})
    void refusesBadSizes(int size) {
        assertThatThrownBy(() -> StateIcons.render(TrayState.CONNECTED, size))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("icon size must be 8-1024 pixels, got " + size);
        assertThatThrownBy(() -> StateIcons.argb(TrayState.CONNECTED, size))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNoState() {
        assertThatThrownBy(() -> StateIcons.render(null, 22))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("state");
    }

    private static long differingPixels(int[] a, int[] b) {
        return java.util.stream.IntStream.range(0, a.length).filter(i -> a[i] != b[i]).count();
    }
}
