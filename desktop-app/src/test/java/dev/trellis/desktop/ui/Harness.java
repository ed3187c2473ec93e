package dev.trellis.desktop.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.PeerView;
import dev.trellis.desktop.model.PeerView.PathKind;
import dev.trellis.desktop.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.TableRow;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A Trellis window on the test's stage, wired as the app wires it: copies go to the real system
 * clipboard through {@link Clipboards#copy}; every action is recorded.
 */
final class Harness {
    final List<Action> actions = new CopyOnWriteArrayList<>();
    final MainWindow window;

    private Harness(Stage stage) {
        window = new MainWindow(stage, a -> {
            actions.add(a);
            if (a.kind() == Action.Kind.COPY) {
                Clipboards.copy(a.text());
            }
        });
    }

    /** Builds the window on {@code stage} (FX thread, from {@code @Start}) and shows it. */
    static Harness open(Stage stage, AppView view) {
        Harness h = new Harness(stage);
        h.window.show(view, Fixtures.NOW);
        stage.show();
        stage.toFront();
        return h;
    }

    void show(FxRobot robot, AppView view) {
        show(robot, view, Fixtures.NOW);
    }

    void show(FxRobot robot, AppView view, Instant now) {
        robot.interact(() -> window.show(view, now));
    }

    PeerTable table() {
        return window.peers().table();
    }

    /** Runs {@code c} on the FX thread and returns its value. */
    static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("FX call failed", e);
        }
    }

    static String clipboard() {
        return fx(() -> Clipboard.getSystemClipboard().getString());
    }

    static void clearClipboard() {
        fx(() -> {
            Clipboard.getSystemClipboard().clear();
            return null;
        });
    }

    /** Waits, up to five seconds, for {@code condition} (checked on the FX thread). */
    static void await(String what, Supplier<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> fx(condition::get));
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    /** Whether {@code n} and all its parents are visible and it is in a window. */
    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return n.getScene() != null;
    }

    /** The table row {@code n} sits in, or null. */
    static TableRow<?> rowOf(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof TableRow<?> r) {
                return r;
            }
        }
        return null;
    }

    static void assertClipboard(String expected) {
        await("the clipboard to hold " + expected, () -> expected.equals(Clipboard.getSystemClipboard().getString()));
        assertThat(clipboard()).isEqualTo(expected);
    }

    /** {@code base} with {@code peers} instead of its own. */
    static AppView withPeers(AppView base, List<PeerView> peers) {
        return new AppView(base.state(), base.statusLine(), base.tooltip(), base.fix(), base.backend(), base.self(),
                peers, base.warnings(), base.keyExpiresSoon(), base.detail());
    }

    /** {@code n} made-up peers host-01 … host-NN, all relayed via lab1. */
    static List<PeerView> manyPeers(int n) {
        List<PeerView> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(peer(i, PathKind.RELAYED));
        }
        return out;
    }

    static PeerView peer(int i, PathKind path) {
        String name = String.format("host-%02d", i);
        return new PeerView("key-" + name, name, name + ".alice.trellis.internal", "alice@example.com",
                "Alice Example", "linux", List.of("100.64.1." + i, "fd7a:115c:a1e0:0:0:0:1:" + Integer.toHexString(i)),
                List.of(), true, true, false, Fixtures.NOW, null, path,
                path == PathKind.DIRECT ? "198.18.1." + i + ":41641" : null, path == PathKind.NONE ? null : "lab1",
                Duration.ofMillis(i), null, 1000L * i, 500L * i);
    }
}
