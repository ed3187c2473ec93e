package dev.trellis.cli;

import dev.trellis.protocol.localapi.client.DaemonNotRunningException;
import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.LocalApiTimeoutException;
import dev.trellis.protocol.localapi.client.WatchStream;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.PingResult;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WhoIsResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory daemon: answers from fields, records every call in order, and serves a scripted
 * notification bus. Reactions ({@link #onStart}, {@link #onLoginInteractive}) queue what a real
 * daemon would publish after those calls. When the bus runs dry it times out (a daemon that
 * never reaches Running) or, with {@link #busEndsWithClose}, closes the stream.
 */
final class FakeLocalApi implements LocalApi {
    Status status = LocalApiJsonFixtures.running();
    String statusJson;
    WhoIsResponse whois;
    Prefs prefs = Prefs.NONE;
    final List<String> calls = new ArrayList<>();
    final Deque<Notify> bus = new ArrayDeque<>();
    boolean busEndsWithClose;
    Runnable onStart = () -> { };
    Runnable onLoginInteractive = () -> { };
    final Map<String, LocalApiException> failures = new HashMap<>();
    Options started;
    MaskedPrefs edited;
    boolean watchClosed;

    FakeLocalApi queue(Notify... notes) {
        bus.addAll(List.of(notes));
        return this;
    }

    FakeLocalApi failOn(String call, LocalApiException e) {
        failures.put(call, e);
        return this;
    }

    private void call(String name) throws LocalApiException {
        calls.add(name);
        LocalApiException f = failures.get(name);
        if (f != null) {
            throw f;
        }
    }

    @Override
    public Status status() throws LocalApiException {
        call("status");
        return status;
    }

    @Override
    public String statusJson() throws LocalApiException {
        call("status");
        return statusJson != null ? statusJson : new String(LocalApiJson.encode(status), StandardCharsets.UTF_8);
    }

    @Override
    public WhoIsResponse whois(String addr) throws LocalApiException {
        call("whois " + addr);
        return whois;
    }

    @Override
    public String whoisJson(String addr) throws LocalApiException {
        call("whois " + addr);
        return new String(LocalApiJson.encode(whois), StandardCharsets.UTF_8);
    }

    /** Answers pings in order; when empty, every ping times out. */
    final Deque<PingResult> pongs = new ArrayDeque<>();

    @Override
    public PingResult ping(String ip, String type) throws LocalApiException {
        call("ping " + ip + " " + type);
        PingResult r = pongs.poll();
        return r != null ? r : new PingResult(ip, ip, "peer", "timeout waiting for a reply after 5000 ms", 0, null, 0,
                null, false);
    }

    String metrics = "trellis_filter_dropped_no_rule 3\n";

    @Override
    public String metrics() throws LocalApiException {
        call("metrics");
        return metrics;
    }

    /** What netcheck answers; null fails as the daemon does before the first map. */
    dev.trellis.protocol.localapi.NetcheckReport netcheck;

    @Override
    public dev.trellis.protocol.localapi.NetcheckReport netcheck() throws LocalApiException {
        call("netcheck");
        if (netcheck == null) {
            throw new dev.trellis.protocol.localapi.client.LocalApiErrorException(409, "not-ready", "no relay map yet", "/localapi/v0/netcheck");
        }
        return netcheck;
    }

    @Override
    public String netcheckJson() throws LocalApiException {
        call("netcheck");
        return "{}";
    }

    @Override
    public Prefs prefs() throws LocalApiException {
        call("prefs");
        return prefs;
    }

    @Override
    public Prefs editPrefs(MaskedPrefs edit) throws LocalApiException {
        call("edit-prefs");
        edited = edit;
        prefs = edit.applyTo(prefs);
        return prefs;
    }

    @Override
    public void start(Options options) throws LocalApiException {
        call("start");
        started = options;
        onStart.run();
    }

    @Override
    public void loginInteractive() throws LocalApiException {
        call("login-interactive");
        onLoginInteractive.run();
    }

    @Override
    public void logout() throws LocalApiException {
        call("logout");
    }

    @Override
    public WatchStream watch(long mask) throws LocalApiException {
        call("watch:" + mask);
        return new WatchStream() {
            @Override
            public Notify next(Duration timeout) throws LocalApiException {
                Notify n = bus.poll();
                if (n != null) {
                    return n;
                }
                if (busEndsWithClose) {
                    throw new DaemonNotRunningException("trellisd closed the notification stream");
                }
                throw new LocalApiTimeoutException("no notification");
            }

            @Override
            public void close() {
                watchClosed = true;
            }
        };
    }
}
