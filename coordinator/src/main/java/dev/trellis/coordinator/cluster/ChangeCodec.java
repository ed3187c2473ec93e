package dev.trellis.coordinator.cluster;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The text form of changes in a notification payload:
 * {@code <format> <process id> <change> <change> …}, e.g. {@code 1 9f3a0c2e4b5d6e7f n:42 no:42:0:1764064800123}.
 *
 * <ul>
 * <li>format: {@code 1}. A payload in another format is ignored whole (and counted as malformed);
 *     a change of a new kind in format 1 is skipped alone, so a newer coordinator can add kinds
 *     without breaking older ones.
 * <li>process id: 16 lowercase hex digits, random per bus, so a process can drop its own echoes.
 * <li>change: a kind ({@code [a-z]{1,8}}), then {@code :}-separated fields: {@code n:<node id>}
 *     node changed, {@code nr:<node id>} removed, {@code np:<node id>} patched,
 *     {@code no:<node id>:<1|0>[:<last seen, epoch ms>]} online/offline, {@code u:<user id>} user
 *     changed, {@code p} policy, {@code d} DNS, {@code r} the publisher dropped changes: resync.
 * </ul>
 *
 * Payloads are printable ASCII, one space between fields, at most {@link #MAX_PAYLOAD_BYTES}.
 * Reading is strict: anything else in a known kind makes the whole payload malformed.
 */
final class ChangeCodec {
    static final String FORMAT = "1";
    /** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (its default build). */
    static final int MAX_PAYLOAD_BYTES = 7999;
    static final String RESYNC = "r";
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int PROCESS_ID_CHARS = 16;
    private static final int MAX_KIND_CHARS = 8;
    private static final int SHOWN_CHARS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChangeCodec() {}

    /** A payload read: whose it is, its changes in order, and what was skipped. */
    record Payload(String processId, List<Change> changes, boolean resync, int unknownKinds) {}

    /** A payload that is not in the format above; the message says what is wrong. */
    static final class MalformedPayloadException extends Exception {
        MalformedPayloadException(String message) {
            super(message);
        }
    }

    static String newProcessId() {
        byte[] id = new byte[PROCESS_ID_CHARS / 2];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The start of every payload of {@code processId}; changes follow, each after one space. */
    static String header(String processId) {
        if (!isProcessId(processId)) {
            throw new IllegalArgumentException("a process id is " + PROCESS_ID_CHARS + " lowercase hex digits");
        }
        return FORMAT + " " + processId;
    }

    static String token(Change change) {
        return switch (change) {
            case Change.NodeChanged c -> "n:" + c.nodeId();
            case Change.NodeRemoved c -> "nr:" + c.nodeId();
            case Change.NodePatched c -> "np:" + c.nodeId();
            case Change.NodeOnline c -> "no:" + c.nodeId() + ":" + (c.online() ? "1" : "0")
                    + (c.lastSeen() == null ? "" : ":" + c.lastSeen().toEpochMilli());
            case Change.UserChanged c -> "u:" + c.userId();
            case Change.PolicyChanged c -> "p";
            case Change.DnsChanged c -> "d";
        };
    }

    static Payload decode(String payload) throws MalformedPayloadException {
        if (payload == null || payload.isEmpty()) {
            throw new MalformedPayloadException("empty payload");
        }
        if (payload.length() > MAX_PAYLOAD_BYTES) {
            throw new MalformedPayloadException("payload of " + payload.length() + " characters, more than "
                    + MAX_PAYLOAD_BYTES);
        }
        for (int i = 0; i < payload.length(); i++) {
            char ch = payload.charAt(i);
            if (ch < ' ' || ch > '~') {
                throw new MalformedPayloadException("character " + (int) ch + " at " + i + " is not printable ASCII");
            }
        }
        String[] fields = payload.split(" ", -1);
        if (!fields[0].equals(FORMAT)) {
            throw new MalformedPayloadException("format " + shown(fields[0]) + " is not " + FORMAT);
        }
        if (fields.length < 3) {
            throw new MalformedPayloadException("no process id, or no changes");
        }
        if (!isProcessId(fields[1])) {
            throw new MalformedPayloadException("process id " + shown(fields[1]) + " is not " + PROCESS_ID_CHARS
                    + " lowercase hex digits");
        }
        List<Change> changes = new ArrayList<>(fields.length - 2);
        boolean resync = false;
        int unknown = 0;
        for (int i = 2; i < fields.length; i++) {
            String[] parts = fields[i].split(":", -1);
            String kind = parts[0];
            if (!isKind(kind)) {
                throw new MalformedPayloadException("change " + (i - 1) + " has no kind: " + shown(fields[i]));
            }
            switch (kind) {
                case "n" -> changes.add(new Change.NodeChanged(id(parts, 2, fields[i])));
                case "nr" -> changes.add(new Change.NodeRemoved(id(parts, 2, fields[i])));
                case "np" -> changes.add(new Change.NodePatched(id(parts, 2, fields[i])));
                case "no" -> changes.add(online(parts, fields[i]));
                case "u" -> changes.add(new Change.UserChanged(id(parts, 2, fields[i])));
                case "p" -> changes.add(noFields(parts, new Change.PolicyChanged(), fields[i]));
                case "d" -> changes.add(noFields(parts, new Change.DnsChanged(), fields[i]));
                case RESYNC -> {
                    noFields(parts, null, fields[i]);
                    resync = true;
                }
                default -> unknown++;
            }
        }
        return new Payload(fields[1], List.copyOf(changes), resync, unknown);
    }

    private static long id(String[] parts, int expectedParts, String token) throws MalformedPayloadException {
        if (parts.length != expectedParts) {
            throw new MalformedPayloadException(shown(token) + ": expected " + (expectedParts - 1) + " field(s)");
        }
        long id = number(parts[1], token);
        if (id == 0) {
            throw new MalformedPayloadException(shown(token) + ": id 0");
        }
        return id;
    }

    private static Change.NodeOnline online(String[] parts, String token) throws MalformedPayloadException {
        if (parts.length != 3 && parts.length != 4) {
            throw new MalformedPayloadException(shown(token) + ": expected node id, 1|0 and optionally last seen");
        }
        long nodeId = id(new String[] {parts[0], parts[1]}, 2, token);
        boolean online = switch (parts[2]) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new MalformedPayloadException(shown(token) + ": online must be 1 or 0");
        };
        Instant lastSeen = null;
        if (parts.length == 4) {
            long millis = number(parts[3], token);
            if (millis > MAX_INSTANT.toEpochMilli()) {
                throw new MalformedPayloadException(shown(token) + ": last seen after 9999");
            }
            lastSeen = Instant.ofEpochMilli(millis);
        }
        return new Change.NodeOnline(nodeId, online, lastSeen);
    }

    private static <T> T noFields(String[] parts, T value, String token) throws MalformedPayloadException {
        if (parts.length != 1) {
            throw new MalformedPayloadException(shown(token) + ": expected no fields");
        }
        return value;
    }

    /** A non-negative decimal without sign or leading zeros that fits a long. */
    private static long number(String text, String token) throws MalformedPayloadException {
        boolean digits = !text.isEmpty() && text.length() <= 19 && (text.length() == 1 || text.charAt(0) != '0');
        for (int i = 0; digits && i < text.length(); i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        if (!digits) {
            throw new MalformedPayloadException(shown(token) + ": " + shown(text) + " is not a number");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException(shown(token) + ": " + text + " is out of range");
        }
    }

    /** Text from a payload, cut short for a message or a log line. */
    static String shown(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…";
    }

    private static boolean isKind(String kind) {
        if (kind.isEmpty() || kind.length() > MAX_KIND_CHARS) {
            return false;
        }
        for (int i = 0; i < kind.length(); i++) {
            if (kind.charAt(i) < 'a' || kind.charAt(i) > 'z') {
                return false;
            }
        }
        return true;
    }

    private static boolean isProcessId(String id) {
        if (id == null || id.length() != PROCESS_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
