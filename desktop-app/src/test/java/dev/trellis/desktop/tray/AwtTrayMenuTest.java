package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tray menu on a real XEmbed tray (trayer): opened with a real right click, photographed, and
 * clicked with a real left click.
 */
class AwtTrayMenuTest extends XembedTrayTest {

    @ParameterizedTest(name = "{0}: click {1}")
    @CsvSource({
        "CONNECTED,   disconnect, DISCONNECT",
        "WARNING,     open,       OPEN_WINDOW",
        "LOGGED_OUT,  login,      LOG_IN",
        "STOPPED,     connect,    CONNECT",
        "UNREACHABLE, quit,       QUIT",
    })
    void rightClickOpensTheMenuAndClickingAnEntryRunsItsAction(Scenario scenario, String id, Kind kind)
            throws Exception {
        AppView v = show(scenario);
        List<MenuEntry> menu = TrayMenu.build(v);

        OpenMenu open = openMenu(menu);
        Path shot = screenshot(fileName(v.state()), open.window());
        assertThat(shot).isNotEmptyFile();

        open.click(rowOf(menu, id));
        Click click = nextClick();
        assertThat(click.action()).isEqualTo(Action.of(kind));
        assertThat(click.thread()).isEqualTo(AwtTray.HANDLER_THREAD);
        awaitMenuClosed();
        assertThat(clicks).isEmpty();
    }

    @Test
    void aPeersEntryInTheSubmenuCopiesItsAddress() throws Exception {
        AppView v = show(Scenario.CONNECTED);
        List<MenuEntry> menu = TrayMenu.build(v);
        List<MenuEntry> peers = ((MenuEntry.Submenu) menu.stream().filter(e -> e.id().equals("peers")).findFirst()
                .orElseThrow()).entries();

        OpenMenu open = openMenu(menu);
        open.click(rowOf(menu, "peers"));
        X11.Win sub = Await.until("the Network devices submenu", TIMEOUT, () -> X11.windows().stream()
                .filter(w -> w.parent() == 0 && w.name().startsWith("sun-awt-X11-XMenu") && X11.viewable(w.id()))
                .findFirst(), () -> X11.windows().toString());
        X11.xdotool(PARK); // off the submenu: no row highlighted in the picture
        OpenMenu subMenu = awaitRows(sub, rows(peers));
        screenshot("tray-menu-devices.png", open.window(), subMenu.window());

        subMenu.click(rowOf(peers, "peer:" + Fixtures.SERVER + ":addr"));
        assertThat(nextClick().action()).isEqualTo(Action.copy("100.64.0.2"));
        awaitMenuClosed();
    }

    @Test
    void aChangeWhileTheMenuIsOpenShowsInTheOpenMenu() throws Exception {
        AppView v = show(Scenario.CONNECTED);
        List<MenuEntry> menu = TrayMenu.build(v);
        OpenMenu open = openMenu(menu);

        // the same shape, another status line: updated in place, the menu stays open
        List<MenuEntry> renamed = new ArrayList<>(menu);
        renamed.set(0, MenuEntry.Item.text("status", "Connected as somebody@else.example"));
        tray.update(TrayState.CONNECTED, v.tooltip(), renamed);
        Await.until("the open menu to show the new status line", TIMEOUT,
                () -> !rowUnchanged(open, 0));
        assertThat(X11.viewable(open.window().id())).as("the menu stays open").isTrue();

        open.click(rowOf(menu, "open"));
        assertThat(nextClick().action()).isEqualTo(Action.of(Kind.OPEN_WINDOW));
        awaitMenuClosed();
    }
}
