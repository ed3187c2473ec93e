package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The icon on a real XEmbed tray (trayer): docking, drawing, updates, clicks, the tray going away. */
class AwtTrayIconTest extends XembedTrayTest {

    @Test
    void docksInTheTrayAtTheTraysIconSize() throws Exception {
        assertThat(tray.kind()).isEqualTo(Tray.XEMBED);
        assertThat(tray.available()).isTrue();
        assertThat(tray.unavailableReason()).isNull();
        assertThat(tray.iconSize()).isEqualTo(AwtTray.XEMBED_ICON_SIZE);

        X11.Win icon = awaitIcon();
        assertThat(icon.bounds().width).isEqualTo(AwtTray.XEMBED_ICON_SIZE);
        assertThat(onEdt(() -> tray.trayIcon().getImage().getWidth(null))).isEqualTo(AwtTray.XEMBED_ICON_SIZE);
        // before the first update: connecting, and the app's name as the tooltip
        assertThat(onEdt(() -> tray.trayIcon().getToolTip())).isEqualTo("Trellis");
        Await.until("the connecting icon on screen", TIMEOUT, () -> iconOnScreenIs(TrayState.CONNECTING));
    }

    @Test
    void anUpdateChangesTheIconOnScreenAndTheTooltip() throws Exception {
        AppView connected = show(Scenario.CONNECTED);
        Await.until("the connected icon on screen", TIMEOUT, () -> iconOnScreenIs(TrayState.CONNECTED));
        assertThat(onEdt(() -> tray.trayIcon().getToolTip()))
                .isEqualTo("Trellis: Connected as alice@example.com — laptop · 100.64.0.1")
                .isEqualTo(AwtTray.oneLine(connected.tooltip()));

        show(Scenario.STOPPED);
        Await.until("the stopped icon on screen", TIMEOUT, () -> iconOnScreenIs(TrayState.STOPPED));
        assertThat(iconOnScreenIs(TrayState.CONNECTED)).isFalse();
        assertThat(onEdt(() -> tray.trayIcon().getToolTip())).isEqualTo("Trellis: Disconnected");
    }

    @Test
    void hoveringShowsTheTooltip() throws Exception {
        show(Scenario.CONNECTED);
        int[] at = iconCentre(awaitIcon());
        X11.xdotool("mousemove", Integer.toString(at[0]), Integer.toString(at[1]));
        // AWT's XEmbed tooltip: a top-level window holding one label, after a second over the icon
        X11.Win window = Await.until("the tooltip", TIMEOUT, () -> {
            List<X11.Win> all = X11.windows();
            return all.stream().filter(w -> w.parent() == 0 && X11.viewable(w.id())
                    && X11.descendants(all, w.id()).stream().anyMatch(c -> c.name().equals("sun-awt-X11-XLabelPeer")))
                    .findFirst();
        }, () -> X11.windows().toString());
        X11.Win tip = awaitRows(window, 1).window();
        Rectangle r = tip.bounds().union(Trayer.panel().orElseThrow().bounds());
        r.grow(12, 12);
        BufferedImage shot = robot.createScreenCapture(r.intersection(new Rectangle(0, 0, 1600, 1000)));
        ImageIO.write(shot, "png", screenshots().resolve("tray-tooltip.png").toFile());
        X11.xdotool(PARK);
    }

    @Test
    void unchangedUpdatesCostNoEventAndChangesCoalesce() throws Exception {
        AppView v = show(Scenario.CONNECTED);
        var menu = TrayMenu.build(v);
        int before = tray.applies();
        for (int i = 0; i < 10_000; i++) {
            tray.update(v.state(), v.tooltip(), menu);
        }
        onEdt(() -> null);
        assertThat(tray.applies()).isEqualTo(before);

        for (int i = 0; i < 200; i++) {
            tray.update(TrayState.WARNING, "tooltip " + i, menu);
        }
        onEdt(() -> null);
        assertThat(tray.applies() - before).isBetween(1, 200);
        assertThat(onEdt(() -> tray.trayIcon().getToolTip())).isEqualTo("tooltip 199");
    }

    @Test
    void aLeftClickOnTheIconOpensTheWindow() throws Exception {
        show(Scenario.CONNECTED);
        int[] at = iconCentre(awaitIcon());
        X11.xdotool("mousemove", Integer.toString(at[0]), Integer.toString(at[1]), "click", "1", PARK[0], PARK[1],
                PARK[2]);
        Click c = nextClick();
        assertThat(c.action()).isEqualTo(Action.of(Kind.OPEN_WINDOW));
        assertThat(c.thread()).isEqualTo(AwtTray.HANDLER_THREAD);
    }

    @Test
    void aSlowHandlerDoesNotHoldUpTheTray() throws Exception {
        show(Scenario.CONNECTED);
        gate = new CountDownLatch(1);
        int[] at = iconCentre(awaitIcon());
        String x = Integer.toString(at[0]);
        String y = Integer.toString(at[1]);
        X11.xdotool("mousemove", x, y, "click", "1", PARK[0], PARK[1], PARK[2]);
        // the handler now waits on the gate; the event thread does not
        show(Scenario.STOPPED);
        Await.until("the stopped icon on screen", TIMEOUT, () -> iconOnScreenIs(TrayState.STOPPED));
        X11.xdotool("mousemove", x, y, "click", "1", PARK[0], PARK[1], PARK[2]);
        assertThat(clicks).isEmpty();

        gate.countDown();
        assertThat(nextClick().action()).isEqualTo(Action.of(Kind.OPEN_WINDOW));
        assertThat(nextClick().action()).isEqualTo(Action.of(Kind.OPEN_WINDOW));
    }

    @Test
    void whenTheTrayGoesAwayAndComesBackTheIconDocksAgain() throws Exception {
        show(Scenario.WARNING);
        awaitIcon();
        TRAYER.stop();
        Await.until("the tray to report the icon gone", TIMEOUT, () -> !tray.available());
        assertThat(tray.unavailableReason()).contains("XEmbed tray went away");

        TRAYER.start();
        Await.until("the icon to dock again", TIMEOUT, () -> tray.available() && iconWindow().isPresent());
        Await.until("the warning icon on screen", TIMEOUT, () -> iconOnScreenIs(TrayState.WARNING));
    }

    @Test
    void closeTakesTheIconDownOnce() throws Exception {
        awaitIcon();
        tray.close();
        assertThat(tray.available()).isFalse();
        assertThat(tray.unavailableReason()).isEqualTo("the tray icon was closed");
        Await.until("the icon's window to go", TIMEOUT, () -> iconWindow().isEmpty());
        tray.close();
        tray.update(TrayState.ERROR, "after close", List.of());
        assertThat(onEdt(() -> tray.trayIcon().getToolTip())).isEqualTo("Trellis");
    }
}
