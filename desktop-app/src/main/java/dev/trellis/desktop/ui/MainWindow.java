package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.protocol.localapi.BackendState;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The Trellis window: the header (state, status, the thing to do now, Preferences), then either
 * this device, its warnings and the peer list, or a pane that explains why there is no network to
 * show. {@link #show} is called on every update and changes only what changed, so the list does
 * not flicker, scroll or lose its selection.
 */
public final class MainWindow {
    static final double WIDTH = 1100;
    static final double HEIGHT = 640;
    /** Small enough for a laptop's half screen, large enough that the peer list keeps a few rows. */
    static final double MIN_WIDTH = 720;
    static final double MIN_HEIGHT = 540;
    private static final KeyCombination FIND = new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN);

    private final Stage stage;
    private final Banner trayNotice = new Banner(Banner.Kind.INFO, false);
    private final Banner actionError = new Banner(Banner.Kind.ERROR, true);
    private final Header header;
    private final DevicePane device;
    private final WarningsPane warnings = new WarningsPane();
    private final PeersPane peers;
    private final StatePane statePane;
    private final VBox network;
    private TrayState iconState;

    /** Builds the window on {@code stage} (not shown yet); clicks go to {@code actions}. */
    public MainWindow(Stage stage, Consumer<Action> actions) {
        this.stage = Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(actions, "actions");
        header = new Header(actions);
        device = new DevicePane(actions);
        peers = new PeersPane(actions);
        statePane = new StatePane(actions);
        network = new VBox(12, device, warnings, peers);
        network.getStyleClass().add("network");
        network.setId("network");
        StackPane content = new StackPane(network, statePane);
        content.getStyleClass().add("content");
        BorderPane root = new BorderPane(content);
        root.setTop(new VBox(trayNotice, actionError, header));
        root.getStyleClass().add("trellis-window");

        Scene scene = new Scene(root, WIDTH, HEIGHT);
        Themes.apply(scene);
        scene.getAccelerators().put(FIND, peers::focusSearch);
        stage.setScene(scene);
        stage.setTitle("Trellis");
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        Styles.shown(statePane, false);
    }

    /** Shows {@code view} as of {@code now}. FX thread. */
    public void show(AppView view, Instant now) {
        requireFxThread();
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(now, "now");
        if (view.state() != iconState) {
            iconState = view.state();
            stage.getIcons().setAll(StateImages.windowIcons(iconState));
        }
        StatePane.Kind pane = paneFor(view);
        header.show(view, pane == null ? null : "Trellis");
        Styles.shown(statePane, pane != null);
        Styles.shown(network, pane == null);
        if (pane != null) {
            statePane.show(pane, view);
            return;
        }
        Styles.shown(device, view.self() != null);
        if (view.self() != null) {
            device.show(view.self(), view.keyExpiresSoon(), now);
        }
        warnings.show(view.warnings());
        PeersPane.Mode mode = view.canConnect() ? PeersPane.Mode.STOPPED
                : view.backend() == BackendState.RUNNING ? PeersPane.Mode.RUNNING : PeersPane.Mode.CONNECTING;
        peers.show(view.peers(), now, mode, view.fix());
    }

    /** A notice that there is no tray icon, so this window is all there is; null removes it. */
    public void setTrayNotice(String reasonOrNull) {
        requireFxThread();
        trayNotice.setMessage(reasonOrNull == null ? null
                : "No tray icon: " + reasonOrNull + ". Trellis lives in this window.");
    }

    /** Says that an action failed, until the user dismisses it; null removes it. */
    public void showActionError(String messageOrNull) {
        requireFxThread();
        actionError.setMessage(messageOrNull);
    }

    public Stage stage() {
        return stage;
    }

    /** The pane that replaces the network, or null when the network is what to show. */
    private static StatePane.Kind paneFor(AppView v) {
        if (v.backend() == null) {
            return v.state() == TrayState.CONNECTING ? StatePane.Kind.LOADING : StatePane.Kind.PROBLEM;
        }
        return switch (v.backend()) {
            case NEEDS_LOGIN -> StatePane.Kind.LOGGED_OUT;
            case NEEDS_MACHINE_AUTH, IN_USE_OTHER_USER -> StatePane.Kind.PROBLEM;
            default -> null;
        };
    }

    private static void requireFxThread() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("MainWindow must be used on the JavaFX thread");
        }
    }

    // For the tests in this package.
    Header header() {
        return header;
    }

    PeersPane peers() {
        return peers;
    }

    StatePane statePane() {
        return statePane;
    }

    WarningsPane warnings() {
        return warnings;
    }

    Banner trayNoticeBanner() {
        return trayNotice;
    }

    Banner actionErrorBanner() {
        return actionError;
    }
}
