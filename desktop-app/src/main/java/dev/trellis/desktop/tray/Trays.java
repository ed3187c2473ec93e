package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.Action;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Picks the app's tray at run time, like a platform probe that keeps the reason when a platform is
 * unavailable: the kind the options ask for, else the first provider that shows an icon, else a
 * {@link NoTray} that says why. Never throws because of the desktop and never waits much longer
 * than the options' openTimeout per provider: a provider that fails, however it fails (a reason,
 * an exception, a hang), hands over to the next and leaves its reason in {@link NoTray#attempts()}.
 */
public final class Trays {
    /** The banner's words when no kind of tray works. */
    public static final String NO_TRAY = "no system tray: the desktop shows neither StatusNotifierItem"
            + " nor XEmbed tray icons";

    /** How much longer than its openTimeout a provider is waited for. */
    public static final Duration OPEN_GRACE = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(Trays.class.getName());

    private Trays() {}

    /**
     * The providers in the order {@link #open(TrayOptions, Consumer)} tries them: StatusNotifierItem
     * first (what current desktops show), then XEmbed (what older panels and trayer show).
     */
    public static List<TrayProvider> defaultProviders() {
        List<TrayProvider> providers = new ArrayList<>();
        providers.add(new dev.trellis.desktop.tray.sni.SniTrayProvider());
        providers.add(AwtTray.PROVIDER);
        return List.copyOf(providers);
    }

    /** {@link #open(TrayOptions, Consumer, List)} with the {@link #defaultProviders()}. */
    public static Tray open(TrayOptions options, Consumer<Action> onAction) {
        return open(options, onAction, defaultProviders());
    }

    /**
     * Opens the tray {@code options} ask for, or the first of {@code providers} that works. Blocks
     * while a provider opens (each at most {@link TrayOptions#openTimeout()}); call it off the AWT
     * and JavaFX threads.
     *
     * @return an available tray, or a {@link NoTray} with the reason
     * @throws NullPointerException for a null argument, the only thing it throws
     */
    public static Tray open(TrayOptions options, Consumer<Action> onAction, List<TrayProvider> providers) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onAction, "onAction");
        List<TrayProvider> candidates = List.copyOf(providers);
        String wanted = options.kind();
        if (Tray.NONE.equals(wanted)) {
            return new NoTray("the tray is turned off (--tray none or " + TrayOptions.ENV + "=none)");
        }
        if (wanted != null) {
            candidates = candidates.stream().filter(p -> wanted.equals(p.kind())).toList();
            if (candidates.isEmpty()) {
                return logged(new NoTray("the " + wanted + " tray was asked for, but this build has none"));
            }
        }
        List<String> attempts = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (TrayProvider p : candidates) {
            Attempt a = attempt(p, options, onAction);
            if (a.tray() != null) {
                if (!attempts.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "tray: " + p.kind() + " (before it: " + attempts + ")");
                }
                return a.tray();
            }
            attempts.add(p.kind() + ": " + a.reason());
            reasons.add(a.reason());
        }
        String reason = wanted == null ? NO_TRAY
                : "the " + wanted + " tray was asked for, but " + String.join("; ", reasons) + "";
        return logged(new NoTray(reason, attempts));
    }

    /** An open tray, or why not. */
    private record Attempt(Tray tray, String reason) {}

    /**
     * Runs one provider on a thread of its own and waits for it a little longer than it is allowed
     * to take, so a provider that breaks its contract and hangs (a D-Bus call that never returns)
     * costs the app its tray, not its start. A tray that opens after the wait is closed at once.
     */
    private static Attempt attempt(TrayProvider p, TrayOptions options, Consumer<Action> onAction) {
        CompletableFuture<Tray> opened = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("trellis-tray-open-" + p.kind()).start(() -> {
            try {
                Tray t = p.open(options, onAction);
                if (!opened.complete(t) && t != null) {
                    closeQuietly(t); // too late: the app went on without it
                }
            } catch (Throwable e) {
                opened.completeExceptionally(e);
                if (e instanceof VirtualMachineError vme) {
                    throw vme;
                }
            }
        });
        long waitMillis = options.openTimeout().plus(OPEN_GRACE).toMillis();
        Tray tray;
        try {
            tray = opened.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (opened.completeExceptionally(e)) {
                return new Attempt(null, "did not open within " + waitMillis + " ms");
            }
            tray = opened.getNow(null); // it finished just now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opened.completeExceptionally(e);
            return new Attempt(null, "interrupted while it opened");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TrayUnavailableException) {
                return new Attempt(null, cause.getMessage());
            }
            if (cause instanceof VirtualMachineError vme) {
                throw vme;
            }
            // a bug or a broken desktop library in the provider: still only this provider's failure
            LOG.log(System.Logger.Level.WARNING, "tray provider " + p.kind() + " failed", cause);
            return new Attempt(null, "failed: " + cause);
        }
        if (tray == null) {
            return new Attempt(null, "the provider opened no tray");
        }
        if (!tray.available() || !p.kind().equals(tray.kind())) {
            String why = tray.available() ? "opened a " + tray.kind() + " tray"
                    : Objects.requireNonNullElse(tray.unavailableReason(), "opened a tray that shows no icon");
            closeQuietly(tray);
            return new Attempt(null, why);
        }
        return new Attempt(tray, null);
    }

    private static void closeQuietly(Tray t) {
        try {
            t.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing a " + t.kind() + " tray failed", e);
        }
    }

    private static NoTray logged(NoTray t) {
        LOG.log(System.Logger.Level.INFO, "no tray icon: " + t.reason()
                + (t.attempts().isEmpty() ? "" : " " + t.attempts()));
        return t;
    }
}
