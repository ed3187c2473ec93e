package dev.trellis.engine.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.DeviceUpdate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes given to {@link UapiCodec#parseSet} end in a {@link DeviceUpdate} or a
 * {@link UapiParseException}, never another exception; an update it returns can be applied and
 * read back. A plain {@code mvn test} runs only the empty input and Jazzer's own regression
 * inputs; {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration} (see the package's test notes in
 * {@code src/test/resources/uapi/README.md}).
 */
class UapiCodecFuzzTest {

    /**
     * When fuzzing, starts Jazzer's generated corpus from the seed corpus: Jazzer reads seeds only
     * from a {@code UapiCodecFuzzTestInputs} resource directory beside this class, and these live
     * in {@code uapi/parse-set-seeds}. Without them it takes minutes to build a valid key line.
     */
    @BeforeAll
    static void seedTheGeneratedCorpus() throws IOException, URISyntaxException {
        if (System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isEmpty()) {
            return;
        }
        Path corpus = Path.of(".cifuzz-corpus", UapiCodecFuzzTest.class.getName(), "parseSet");
        Files.createDirectories(corpus);
        for (Path seed : UapiSeedCorpusTest.seeds().toList()) {
            Files.copy(seed, corpus.resolve("seed-" + seed.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryFile(resourcePath = "/uapi/uapi.dict")
    void parseSet(byte[] data) throws Exception {
        check(data);
    }

    /** The invariant, shared with {@link UapiSeedCorpusTest}; true if the input parsed. */
    static boolean check(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.ISO_8859_1); // as the server decodes
        // The body of a set request: lines ended by \n; a last line may lack its \n.
        List<String> lines = Arrays.asList(text.split("\n", -1));
        if (lines.getLast().isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        DeviceUpdate update;
        try {
            update = UapiCodec.parseSet(lines);
        } catch (UapiParseException e) {
            assertThat(e.errno()).isIn(ConfigException.EINVAL, ConfigException.EPROTO);
            return false;
        }
        RecordingDevice device = new RecordingDevice();
        device.apply(update);
        UapiCodec.writeGet(device.status(), new StringBuilder());
        return true;
    }
}
