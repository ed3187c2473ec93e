package dev.trellis.engine.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the seed corpus in {@code src/test/resources/uapi/parse-set-seeds} through the fuzz
 * invariant. A seed named {@code ok-*} must parse, {@code bad-*} must be refused. (Jazzer would
 * only pick seeds up from {@code dev/trellis/engine/uapi/UapiCodecFuzzTestInputs/}.)
 */
class UapiSeedCorpusTest {

    static Stream<Path> seeds() throws IOException, URISyntaxException {
        Path dir = Path.of(UapiSeedCorpusTest.class.getResource("/uapi/parse-set-seeds").toURI());
        return Files.list(dir).sorted();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void seed(Path seed) throws Exception {
        String name = seed.getFileName().toString();
        assertThat(name).matches("(ok|bad)-.*");
        boolean parsed = UapiCodecFuzzTest.check(Files.readAllBytes(seed));
        assertThat(parsed).as(name).isEqualTo(name.startsWith("ok-"));
    }
}
