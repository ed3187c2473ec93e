package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePublicKey;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records listener calls as short strings, and the last netmap. */
final class RecordingListener implements ControlListener {
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile NetMap lastMap;

    @Override
    public void serverKeyPinned(MachinePublicKey key) {
        events.add("pinned");
    }

    @Override
    public void authUrl(String url) {
        events.add("authUrl " + url);
    }

    @Override
    public void loggedIn(UserProfile user, Instant keyExpiry) {
        events.add("loggedIn " + user.loginName());
    }

    @Override
    public void netMap(NetMap map) {
        lastMap = map;
        events.add("netMap " + map.peers().keySet());
    }

    @Override
    public void connection(boolean up, String reason) {
        events.add(up ? "up" : "down");
    }

    @Override
    public void stopped(ControlFailure failure, String message) {
        events.add("stopped " + failure);
    }

    /** The next event, skipping connection up/down notices unless asked for. */
    String next() throws InterruptedException {
        while (true) {
            String e = events.poll(5, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no listener event within 5 s");
            }
            if (!e.equals("up") && !e.equals("down")) {
                return e;
            }
        }
    }
}
