package dev.trellis.coordinator.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.coordinator.admin.AdminApiException;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.AdminSocket;
import dev.trellis.protocol.http.ClientLimits;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The admin socket of a coordinator running on the same data directory. A coordinator runs when
 * something listens on {@code <data-dir>/run/admin.sock}; no socket file, or one nobody listens
 * on (left by a crash), means none runs, and the caller may use the store directly. Any other
 * failure is an error: falling back to the store while a coordinator runs would change nodes
 * behind its back, and its connected nodes would not hear of it.
 */
final class AdminClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_ERROR_TEXT = 300;

    private final Path socket;

    AdminClient(Path dataDir) {
        this.socket = AdminSocket.pathIn(dataDir);
    }

    Path socket() {
        return socket;
    }

    /**
     * Sends one request to the running coordinator.
     *
     * @param body an object to send as JSON, or null for none
     * @return the body of its successful answer, or empty if no coordinator runs
     * @throws AdminApiException the coordinator refused the request (its message and code)
     * @throws IOException a coordinator runs but could not be asked
     */
    Optional<byte[]> send(String method, String path, Object body) throws AdminApiException, IOException {
        byte[] json = body == null ? null : AdminJson.write(body);
        return exchange(method, path, json, "application/json");
    }

    /** {@link #send} with a text body sent as it is (a HuJSON policy). */
    Optional<byte[]> sendText(String method, String path, String text, String contentType)
            throws AdminApiException, IOException {
        return exchange(method, path, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
    }

    private Optional<byte[]> exchange(String method, String path, byte[] body, String contentType)
            throws AdminApiException, IOException {
        if (Files.notExists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        HttpResult r;
        try (Http1Client client = Http1Client.unix(socket, CONNECT_TIMEOUT,
                ClientLimits.defaults().withTimeouts(ANSWER_TIMEOUT, ANSWER_TIMEOUT))) {
            r = client.send(method, path, body == null ? Map.of() : Map.of("Content-Type", contentType), body);
        } catch (ConnectException e) {
            return Optional.empty(); // a socket file nobody listens on: no coordinator runs
        } catch (IOException e) {
            if (Files.notExists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty(); // the coordinator stopped just now
            }
            throw new IOException("cannot reach the running coordinator at " + socket + ": " + e.getMessage()
                    + " (run as root or as the coordinator's user)", e);
        }
        if (r.isSuccess()) {
            return Optional.of(r.body());
        }
        throw refusal(r);
    }

    private static AdminApiException refusal(HttpResult r) {
        int status = r.status() >= 400 && r.status() <= 599 ? r.status() : 500;
        try {
            JsonNode error = AdminJson.tree(r.body());
            if (error.path("error").isTextual()) {
                return new AdminApiException(status, error.path("code").asText("error"), error.get("error").textValue());
            }
        } catch (IOException e) {
            // not our JSON: show the start of the text below
        }
        String text = new String(r.body(), StandardCharsets.UTF_8).strip();
        return new AdminApiException(status, "http_" + r.status(), "the coordinator answered " + r.status()
                + (text.isEmpty() ? "" : ": " + (text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) : text)));
    }
}
