package dev.trellis.desktop.tray;

import dev.trellis.desktop.icons.StateIcons;
import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import java.awt.AWTError;
import java.awt.AWTException;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Image;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The tray icon through {@link java.awt.SystemTray}: on Linux an XEmbed icon, docked in whatever
 * owns the {@code _NET_SYSTEM_TRAY_S0} selection (trayer, stalonetray, XFCE's and MATE's
 * notification areas).
 *
 * <p>AWT's XEmbed icons are {@value #XEMBED_ICON_SIZE} px squares
 * ({@link SystemTray#getTrayIconSize()}); the icon is drawn at that size, not scaled from a bitmap.
 * AWT's XEmbed tooltip is a single line of at most {@value #TOOLTIP_MAX} characters, so the
 * tooltip's lines are joined with " — " and the end shortened to fit.
 *
 * <p>Threads: AWT objects are touched only on the AWT event thread. {@link #update} compares with
 * the last state asked for under this object's lock, and when something changed queues one
 * {@link EventQueue#invokeLater} that applies the latest state asked for (updates coalesce).
 * Clicks reach the handler through an {@link ActionDispatcher} (thread
 * {@value #HANDLER_THREAD}), never on the event thread. A left click on the icon is
 * {@link Action.Kind#OPEN_WINDOW}.
 *
 * <p>When the tray goes away AWT takes the icon down ({@link #available()} turns false); when a tray
 * takes the selection again, the icon is added back.
 */
public final class AwtTray implements Tray {
    /** What Trays tries as {@value Tray#XEMBED}. */
    public static final TrayProvider PROVIDER = new TrayProvider() {
        @Override
        public String kind() {
            return XEMBED;
        }

        @Override
        public Tray open(TrayOptions options, Consumer<Action> onAction) throws TrayUnavailableException {
            return AwtTray.open(options, onAction);
        }

        @Override
        public String toString() {
            return "AwtTray.PROVIDER";
        }
    };

    static final int XEMBED_ICON_SIZE = 24;
    static final int TOOLTIP_MAX = 64;
    static final String HANDLER_THREAD = "trellis-tray-xembed";
    private static final System.Logger LOG = System.getLogger(AwtTray.class.getName());

    /** What {@link #update} last asked for. */
    private record Shown(TrayState state, String tooltip, List<MenuEntry> menu) {}

    private final ActionDispatcher dispatcher;
    private final int iconSize;
    private volatile boolean closed;
    /** The icon is in AWT's list and a tray runs; written on the event thread. */
    private volatile boolean docked;
    /** How many times a queued update was applied (written on the event thread); for tests of coalescing. */
    private volatile int applies;

    private final Object lock = new Object();
    // guarded by lock: what update() asked for last, and whether an apply() is queued for it
    private Shown wanted;
    private boolean applyQueued;

    // event thread only
    /**
     * AWT's one SystemTray, kept because {@link SystemTray#getSystemTray()} throws while no tray
     * runs, which is exactly when the icon has to be tracked and, on close, taken out of AWT's list
     * (AWT would dock every listed icon again when a tray comes back).
     */
    private SystemTray systemTray;
    private final TrayIcon icon;
    private final AwtMenu awtMenu;
    private final Map<TrayState, Image> images = new EnumMap<>(TrayState.class);
    private final PropertyChangeListener trayWatcher = this::trayChanged;
    private TrayState shownState;

    private AwtTray(TrayOptions options, ActionDispatcher dispatcher, int iconSize) {
        this.dispatcher = dispatcher;
        this.iconSize = iconSize;
        this.shownState = TrayState.CONNECTING;
        this.icon = new TrayIcon(image(shownState), oneLine(options.title()), new PopupMenu());
        this.awtMenu = new AwtMenu(icon.getPopupMenu(), dispatcher::dispatch);
        this.wanted = new Shown(shownState, options.title(), List.of());
        icon.setImageAutoSize(false);
        icon.addActionListener(e -> dispatcher.dispatch(Action.of(Action.Kind.OPEN_WINDOW)));
    }

    /**
     * Docks an icon in the display's XEmbed tray. Blocks until AWT has docked it (AWT waits for the
     * tray to reparent it) or {@link TrayOptions#openTimeout()} passed.
     *
     * @throws TrayUnavailableException when AWT is headless, can't reach the display, or no XEmbed
     *     tray runs on it
     */
    public static AwtTray open(TrayOptions options, Consumer<Action> onAction) throws TrayUnavailableException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onAction, "onAction");
        if (GraphicsEnvironment.isHeadless()) {
            throw new TrayUnavailableException("AWT runs headless (java.awt.headless=true), without a tray");
        }
        boolean supported;
        try {
            supported = SystemTray.isSupported();
        } catch (AWTError | LinkageError e) {
            throw new TrayUnavailableException("AWT can't reach the display " + display() + ": " + e.getMessage(), e);
        }
        if (!supported) {
            throw new TrayUnavailableException("no XEmbed tray on display " + display()
                    + " (no program owns _NET_SYSTEM_TRAY_S0)");
        }
        ActionDispatcher dispatcher = new ActionDispatcher(HANDLER_THREAD, onAction);
        CompletableFuture<AwtTray> opened = new CompletableFuture<>();
        EventQueue.invokeLater(() -> {
            try {
                Dimension d = SystemTray.getSystemTray().getTrayIconSize();
                int size = Math.clamp(Math.max(d.width, d.height), StateIcons.MIN_SIZE, StateIcons.MAX_SIZE);
                AwtTray tray = new AwtTray(options, dispatcher, size);
                tray.dock();
                if (!opened.complete(tray)) {
                    tray.close(); // the opener gave up waiting
                }
            } catch (AWTException | RuntimeException e) {
                opened.completeExceptionally(e);
            }
        });
        try {
            try {
                return opened.get(options.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (opened.cancel(false)) { // the event thread will close the icon if it docks later
                    throw new TrayUnavailableException("the XEmbed tray on " + display()
                            + " did not take the icon within " + options.openTimeout().toMillis() + " ms");
                }
                return opened.get(); // it finished just now, one way or the other
            }
        } catch (ExecutionException e) {
            dispatcher.close();
            throw new TrayUnavailableException("the XEmbed tray on " + display() + " did not take the icon: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!opened.cancel(false) && opened.state() == Future.State.SUCCESS) {
                opened.resultNow().close();
            }
            dispatcher.close();
            throw new TrayUnavailableException("interrupted while the XEmbed tray took the icon");
        } catch (TrayUnavailableException e) {
            dispatcher.close();
            throw e;
        }
    }

    /** On the event thread: adds the icon, and watches the tray come and go. */
    private void dock() throws AWTException {
        SystemTray st = SystemTray.getSystemTray();
        systemTray = st;
        st.addPropertyChangeListener("trayIcons", trayWatcher);
        st.addPropertyChangeListener("systemTray", trayWatcher);
        try {
            st.add(icon);
        } catch (AWTException | RuntimeException e) {
            st.removePropertyChangeListener("trayIcons", trayWatcher);
            st.removePropertyChangeListener("systemTray", trayWatcher);
            throw e;
        }
        docked = true;
    }

    /**
     * On the event thread, when the tray or the icons change: AWT drops its icons when the tray's
     * owner dies, and announces a new owner; add the icon back then.
     */
    private void trayChanged(PropertyChangeEvent e) {
        if (closed) {
            return;
        }
        SystemTray st = systemTray;
        boolean present = SystemTray.isSupported();
        boolean in = Arrays.asList(st.getTrayIcons()).contains(icon);
        if (present && !in && "systemTray".equals(e.getPropertyName())) {
            try {
                st.add(icon);
                in = true;
                LOG.log(System.Logger.Level.INFO, "an XEmbed tray is back: the icon docked again");
            } catch (AWTException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "an XEmbed tray is back, but it did not take the icon: " + ex);
            }
        }
        docked = present && in;
    }

    @Override
    public String kind() {
        return XEMBED;
    }

    @Override
    public boolean available() {
        return !closed && docked;
    }

    @Override
    public String unavailableReason() {
        if (closed) {
            return "the tray icon was closed";
        }
        return docked ? null : "the desktop's XEmbed tray went away; the icon comes back when it does";
    }

    /** The icon's size in pixels, as AWT asked for it. */
    int iconSize() {
        return iconSize;
    }

    int applies() {
        return applies;
    }

    /** For tests, on the event thread: the AWT icon. */
    TrayIcon trayIcon() {
        return icon;
    }

    @Override
    public void update(TrayState state, String tooltip, List<MenuEntry> menu) {
        Shown next = new Shown(Objects.requireNonNull(state, "state"), Objects.requireNonNull(tooltip, "tooltip"),
                List.copyOf(Objects.requireNonNull(menu, "menu")));
        synchronized (lock) {
            if (closed || next.equals(wanted)) {
                return;
            }
            wanted = next;
            if (applyQueued) {
                return;
            }
            applyQueued = true;
        }
        EventQueue.invokeLater(this::apply);
    }

    /** On the event thread: shows the latest state asked for, touching only what differs. */
    private void apply() {
        Shown s;
        synchronized (lock) {
            s = wanted;
            applyQueued = false;
        }
        if (closed) {
            return;
        }
        applies++;
        if (s.state() != shownState) {
            icon.setImage(image(s.state()));
            shownState = s.state();
        }
        String tip = oneLine(s.tooltip());
        if (!tip.equals(icon.getToolTip())) {
            icon.setToolTip(tip);
        }
        awtMenu.show(s.menu());
    }

    private Image image(TrayState state) {
        return images.computeIfAbsent(state, st -> StateIcons.render(st, iconSize));
    }

    /** Lines joined by " — ", shortened to {@value #TOOLTIP_MAX} characters with an ellipsis. */
    static String oneLine(String tooltip) {
        String line = String.join(" — ", tooltip.strip().lines().map(String::strip).filter(l -> !l.isEmpty())
                .toList());
        return line.length() <= TOOLTIP_MAX ? line : line.substring(0, TOOLTIP_MAX - 1) + "…";
    }

    /**
     * Takes the icon down (waiting up to two seconds for the event thread, unless called on it) and
     * stops the handler's thread.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        dispatcher.close();
        Runnable undock = () -> {
            SystemTray st = systemTray;
            if (st != null) {
                try {
                    st.removePropertyChangeListener("trayIcons", trayWatcher);
                    st.removePropertyChangeListener("systemTray", trayWatcher);
                    st.remove(icon);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "closing the tray icon: " + e);
                }
            }
            docked = false;
        };
        if (EventQueue.isDispatchThread()) {
            undock.run();
            return;
        }
        CompletableFuture<Void> done = CompletableFuture.runAsync(undock, EventQueue::invokeLater);
        try {
            done.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the tray icon: the AWT event thread did not answer in 2 s");
        }
    }

    private static String display() {
        String d = System.getenv("DISPLAY");
        return d == null || d.isEmpty() ? "(DISPLAY is unset)" : d;
    }

    @Override
    public String toString() {
        return "AwtTray[" + (closed ? "closed" : docked ? "docked" : "undocked") + ", " + iconSize + " px]";
    }
}
