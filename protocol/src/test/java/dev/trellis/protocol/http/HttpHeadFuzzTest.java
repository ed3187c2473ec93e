package dev.trellis.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes read as a request (head, framing, body) or as a response head end in a result or in
 * {@link HttpStatusException} / {@link EOFException}, never another exception, and every result
 * stays within the limits. A plain {@code mvn test} replays only the empty input (and any findings
 * Jazzer saved under {@code src/test/resources/dev/trellis/protocol/http/HttpHeadFuzzTestInputs});
 * the {@code fuzz-http-head} execution in protocol/pom.xml fuzzes for {@code maxDuration}, and so
 * does {@code JAZZER_FUZZ=1 ./mvnw -B -o -pl protocol test -Dtest=HttpHeadFuzzTest}. Its first
 * finding, {@code "GET * HTTP/1.0"} (asterisk-form for a method other than OPTIONS), is now a
 * case in {@link ServerLimitsTest}.
 */
class HttpHeadFuzzTest {
    private static final HttpLimits LIMITS = new HttpLimits(200, 600, 12, 500,
            Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    private static final ClientLimits CLIENT = new ClientLimits(200, 600, 12, 500,
            Duration.ofSeconds(1), Duration.ofSeconds(1), 1);

    /** Well-formed messages to start from; the first byte selects request (even) or response (odd). */
    private static final List<String> SEEDS = List.of(
            "0GET /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
            "0POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n",
            "0GET / HTTP/1.0\r\n\r\n",
            "1HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "1HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");

    /** When fuzzing, seeds Jazzer's generated corpus (it reads seeds only from there or a resource directory). */
    @BeforeAll
    static void seedTheGeneratedCorpus() throws IOException {
        if (System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isEmpty()) {
            return;
        }
        Path corpus = Files.createDirectories(Path.of(".cifuzz-corpus", HttpHeadFuzzTest.class.getName(), "heads"));
        for (int i = 0; i < SEEDS.size(); i++) {
            Files.write(corpus.resolve("seed-" + i), SEEDS.get(i).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** One target for both parsers (Jazzer fuzzes one target per JVM): the first byte picks which. */
    @FuzzTest(maxDuration = "30s")
    // Jazzer copies these into a libFuzzer dictionary without escaping CR and LF, so none holds
    // a line end; the seeds supply the message structure.
    @DictionaryEntries({"GET", "POST", "OPTIONS", "HEAD", " HTTP/1.1", " HTTP/1.0", "HTTP/1.1 200 OK", "HTTP/1.1 100",
        "Host: x", "Content-Length: ", "Transfer-Encoding: ", "chunked", "gzip", "Connection: ", "close",
        "Expect: ", "100-continue", ";ext=1", "%2F", "?a=b", "*", ": "})
    void heads(byte[] data) throws IOException {
        if (data.length > 0 && (data[0] & 1) == 1) {
            response(java.util.Arrays.copyOfRange(data, 1, data.length));
        } else {
            request(data.length == 0 ? data : java.util.Arrays.copyOfRange(data, 1, data.length));
        }
    }

    private static void request(byte[] data) throws IOException {
        ConnectionInput in = new ConnectionInput(new BytesTransport(data), 64);
        try {
            RequestHead head = HeadParser.readRequest(in, LIMITS);
            assertThat(head.path().startsWith("/") || head.method().equals("OPTIONS") && head.path().equals("*")).isTrue();
            assertThat(head.path()).doesNotContain(" ");
            assertThat(head.headers().size()).isLessThanOrEqualTo(LIMITS.maxHeaders());
            long length = Framing.request(head);
            assertThat(length).isGreaterThanOrEqualTo(Framing.CHUNKED);
            BodyInput body = length == Framing.CHUNKED
                    ? new BodyInput.Chunked(in, LIMITS.maxBodyBytes(), 413, LIMITS.maxHeaderBytes(), LIMITS.maxHeaders())
                    : new BodyInput.Fixed(in, Math.min(length, LIMITS.maxBodyBytes()));
            assertThat(body.readAll(LIMITS.maxBodyBytes(), 413).length).isLessThanOrEqualTo((int) LIMITS.maxBodyBytes());
        } catch (HttpStatusException | EOFException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void response(byte[] data) throws IOException {
        ConnectionInput in = new ConnectionInput(new BytesTransport(data), 64);
        try {
            ResponseHead head = HeadParser.readResponse(in, CLIENT);
            assertThat(head.status()).isBetween(100, 999);
            Framing.response(head.status(), false, head.headers());
        } catch (HttpStatusException | EOFException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
