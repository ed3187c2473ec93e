package dev.trellis.engine.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A deterministic stand-in for coverage-guided fuzzing, which Jazzer 0.24.0 cannot do on Java 25
 * class files: mutates the seed corpus with the fuzz dictionary's tokens under a fixed seed and
 * checks {@link UapiCodecFuzzTest}'s invariant on every result.
 */
class UapiCodecMutationTest {
    private static final long SEED = 0x7541_5049L;
    private static final int ROUNDS = 50_000;

    @Test
    void mutatedSeedsOnlyEverParseOrFailCleanly() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        try (var files = Files.list(Path.of(getClass().getResource("/uapi/parse-set-seeds").toURI()))) {
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
        }
        List<byte[]> tokens = dictionary();
        Random random = new Random(SEED);
        int parsed = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] input = seeds.get(random.nextInt(seeds.size()));
            for (int m = 1 + random.nextInt(2); m > 0; m--) {
                input = mutate(input, tokens, random);
            }
            if (UapiCodecFuzzTest.check(input)) {
                parsed++;
            }
        }
        // Both outcomes must be common, or the mutations are not reaching the value parsers.
        assertThat(parsed).isBetween(ROUNDS / 50, ROUNDS - ROUNDS / 50);
    }

    private static byte[] mutate(byte[] in, List<byte[]> tokens, Random random) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        return switch (random.nextInt(6)) {
            case 0 -> splice(in, at, at, tokens.get(random.nextInt(tokens.size())));
            case 1 -> splice(in, at, Math.min(in.length, at + 1 + random.nextInt(8)), new byte[0]);
            case 2 -> {
                byte[] out = in.clone();
                if (out.length > 0) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
                yield out;
            }
            case 3 -> splice(in, at, at, new byte[] {(byte) random.nextInt(256)});
            case 4 -> { // repeat a line: duplicate sections and keys
                String s = new String(in, StandardCharsets.ISO_8859_1);
                String[] lines = s.split("\n", -1);
                String line = lines[random.nextInt(lines.length)];
                yield splice(in, at, at, (line + "\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> splice(in, at, Math.min(in.length, at + 1 + random.nextInt(3)),
                    Integer.toString(random.nextInt(70_000) - 5).getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }

    /** The quoted tokens of {@code uapi.dict}, with {@code \xNN} escapes decoded. */
    static List<byte[]> dictionary() throws IOException {
        List<byte[]> tokens = new ArrayList<>();
        try (InputStream in = UapiCodecMutationTest.class.getResourceAsStream("/uapi/uapi.dict")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (!line.startsWith("\"")) {
                    continue;
                }
                String body = line.substring(1, line.lastIndexOf('"'));
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < body.length(); i++) {
                    if (body.startsWith("\\x", i)) {
                        sb.append((char) Integer.parseInt(body.substring(i + 2, i + 4), 16));
                        i += 3;
                    } else {
                        sb.append(body.charAt(i));
                    }
                }
                tokens.add(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return tokens;
    }
}
