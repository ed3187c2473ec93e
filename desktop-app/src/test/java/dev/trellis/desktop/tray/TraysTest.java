package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import java.awt.SystemTray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** How Trays picks a tray, with providers that behave as told. */
class TraysTest {
    static final Consumer<Action> IGNORE = a -> { };

    /** A tray that only records whether it was closed. */
    static final class FakeTray implements Tray {
        final String kind;
        final boolean available;
        volatile boolean closed;

        FakeTray(String kind, boolean available) {
            this.kind = kind;
            this.available = available;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public boolean available() {
            return available;
        }

        @Override
        public String unavailableReason() {
            return available ? null : "the fake says no";
        }

        @Override
        public void update(TrayState state, String tooltip, List<MenuEntry> menu) { }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Opens what {@code open} gives, counting the calls. */
    static final class FakeProvider implements TrayProvider {
        interface Opener {
            Tray open() throws TrayUnavailableException;
        }

        final String kind;
        final Opener opener;
        volatile int calls;

        FakeProvider(String kind, Opener opener) {
            this.kind = kind;
            this.opener = opener;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public Tray open(TrayOptions options, Consumer<Action> onAction) throws TrayUnavailableException {
            calls++;
            return opener.open();
        }
    }

    static FakeProvider opens(String kind) {
        return new FakeProvider(kind, () -> new FakeTray(kind, true));
    }

    static FakeProvider refuses(String kind, String reason) {
        return new FakeProvider(kind, () -> {
            throw new TrayUnavailableException(reason);
        });
    }

    @Test
    void theFirstProviderThatWorksWins() {
        FakeProvider sni = opens(Tray.SNI);
        FakeProvider xembed = opens(Tray.XEMBED);
        Tray t = Trays.open(TrayOptions.defaults(), IGNORE, List.of(sni, xembed));
        assertThat(t.kind()).isEqualTo(Tray.SNI);
        assertThat(xembed.calls).isZero();
    }

    @Test
    void aProviderThatFailsHandsOverToTheNext() {
        FakeProvider sni = refuses(Tray.SNI, "no StatusNotifierWatcher on the session bus");
        FakeProvider xembed = opens(Tray.XEMBED);
        Tray t = Trays.open(TrayOptions.defaults(), IGNORE, List.of(sni, xembed));
        assertThat(t.kind()).isEqualTo(Tray.XEMBED);
        assertThat(t.available()).isTrue();
    }

    @Test
    void whenNoneWorksItIsNoTrayWithEveryReason() {
        FakeTray unavailable = new FakeTray(Tray.XEMBED, false);
        Tray t = Trays.open(TrayOptions.defaults(), IGNORE, List.of(
                refuses(Tray.SNI, "no StatusNotifierWatcher on the session bus"),
                new FakeProvider(Tray.XEMBED, () -> {
                    throw new IllegalStateException("boom");
                }),
                new FakeProvider(Tray.XEMBED, () -> {
                    throw new NoClassDefFoundError("sun/awt/X11/XToolkit");
                }),
                new FakeProvider(Tray.XEMBED, () -> null),
                new FakeProvider(Tray.XEMBED, () -> unavailable),
                new FakeProvider(Tray.XEMBED, () -> new FakeTray(Tray.SNI, true))));
        assertThat(t).isInstanceOf(NoTray.class);
        assertThat(t.kind()).isEqualTo(Tray.NONE);
        assertThat(t.available()).isFalse();
        assertThat(t.unavailableReason()).isEqualTo(Trays.NO_TRAY).isEqualTo(
                "no system tray: the desktop shows neither StatusNotifierItem nor XEmbed tray icons");
        assertThat(((NoTray) t).attempts()).containsExactly(
                "sni: no StatusNotifierWatcher on the session bus",
                "xembed: failed: java.lang.IllegalStateException: boom",
                "xembed: failed: java.lang.NoClassDefFoundError: sun/awt/X11/XToolkit",
                "xembed: the provider opened no tray",
                "xembed: the fake says no",
                "xembed: opened a sni tray");
        assertThat(unavailable.closed).isTrue();
    }

    @Test
    void aProviderThatHangsCostsItsTurnAndItsLateTrayIsClosed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeTray late = new FakeTray(Tray.SNI, true);
        FakeProvider hangs = new FakeProvider(Tray.SNI, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return late;
        });
        TrayOptions quick = TrayOptions.defaults().withOpenTimeout(Duration.ofMillis(50));
        Tray t = Trays.open(quick, IGNORE, List.of(hangs, refuses(Tray.XEMBED, "no XEmbed tray on display :0")));
        assertThat(((NoTray) t).attempts()).containsExactly(
                "sni: did not open within " + quick.openTimeout().plus(Trays.OPEN_GRACE).toMillis() + " ms",
                "xembed: no XEmbed tray on display :0");
        release.countDown();
        Await.until("the late tray to be closed", Duration.ofSeconds(10), () -> late.closed);
    }

    @Test
    void aKindAskedForIsTheOnlyOneTried() {
        FakeProvider sni = opens(Tray.SNI);
        FakeProvider xembed = opens(Tray.XEMBED);
        Tray t = Trays.open(TrayOptions.defaults().withKind(Tray.XEMBED), IGNORE, List.of(sni, xembed));
        assertThat(t.kind()).isEqualTo(Tray.XEMBED);
        assertThat(sni.calls).isZero();
    }

    @Test
    void aKindAskedForThatFailsIsNoTrayWithItsReasonNotAnotherKind() {
        FakeProvider sni = opens(Tray.SNI);
        Tray t = Trays.open(TrayOptions.defaults().withKind(Tray.XEMBED), IGNORE,
                List.of(sni, refuses(Tray.XEMBED, "no XEmbed tray on display :0")));
        assertThat(t.unavailableReason())
                .isEqualTo("the xembed tray was asked for, but no XEmbed tray on display :0");
        assertThat(sni.calls).isZero();
    }

    @Test
    void aKindThisBuildLacksIsNoTray() {
        Tray t = Trays.open(TrayOptions.defaults().withKind(Tray.SNI), IGNORE, List.of(opens(Tray.XEMBED)));
        assertThat(t.unavailableReason()).isEqualTo("the sni tray was asked for, but this build has none");
    }

    @Test
    void noneAskedForIsNoTrayWithoutTryingAny() {
        FakeProvider sni = opens(Tray.SNI);
        Tray t = Trays.open(TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", "none")), IGNORE, List.of(sni));
        assertThat(t).isInstanceOf(NoTray.class);
        assertThat(t.unavailableReason()).isEqualTo("the tray is turned off (--tray none or TRELLIS_TRAY=none)");
        assertThat(sni.calls).isZero();
        t.update(TrayState.CONNECTED, "ignored", List.of());
        t.close();
    }

    @Test
    void noneAskedForWithTheDefaultProvidersTouchesNoDisplay() {
        assertThat(Trays.open(TrayOptions.defaults().withKind(Tray.NONE), IGNORE)).isInstanceOf(NoTray.class);
    }

    @Test
    void withoutATrayOnTheDisplayTheXembedProviderSaysSo() {
        assertThat(SystemTray.isSupported()).as("no tray may run on the display here (a test left one?)").isFalse();
        Tray t = Trays.open(TrayOptions.defaults(), IGNORE);
        assertThat(t).isInstanceOf(NoTray.class);
        assertThat(t.unavailableReason()).isEqualTo(Trays.NO_TRAY);
        assertThat(((NoTray) t).attempts()).containsExactly(
                "sni: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)",
                "xembed: no XEmbed tray on display "
                + System.getenv("DISPLAY") + " (no program owns _NET_SYSTEM_TRAY_S0)");
    }

    @Test
    void theDefaultProvidersEndWithXembed() {
        assertThat(Trays.defaultProviders()).last().isSameAs(AwtTray.PROVIDER);
        assertThat(AwtTray.PROVIDER.kind()).isEqualTo(Tray.XEMBED);
    }

    @Test
    void optionsFromTheEnvironment() {
        assertThat(TrayOptions.fromEnvironment(Map.of()).kind()).isNull();
        assertThat(TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", "")).kind()).isNull();
        assertThat(TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", "auto")).kind()).isNull();
        assertThat(TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", " SNI ")).kind()).isEqualTo(Tray.SNI);
        assertThat(TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", "xembed")).kind()).isEqualTo(Tray.XEMBED);
        assertThatThrownBy(() -> TrayOptions.fromEnvironment(Map.of("TRELLIS_TRAY", "gnome")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TRELLIS_TRAY must be sni, xembed, none or auto, not 'gnome'");
        assertThatThrownBy(() -> TrayOptions.defaults().withKind("kde"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'kde'");
        assertThatThrownBy(() -> TrayOptions.defaults().withOpenTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openTimeout must be positive, got PT0S");
    }

    @Test
    void nullArgumentsAreTheOnlyThingItThrowsFor() {
        List<TrayProvider> none = new ArrayList<>();
        assertThatThrownBy(() -> Trays.open(null, IGNORE, none)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Trays.open(TrayOptions.defaults(), null, none))
                .isInstanceOf(NullPointerException.class);
        assertThat(Trays.open(TrayOptions.defaults(), IGNORE, none).unavailableReason()).isEqualTo(Trays.NO_TRAY);
    }
}
