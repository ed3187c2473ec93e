package dev.trellis.coordinator.cmd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets read from files, so they stay out of command lines and process lists. */
final class Secrets {
    private Secrets() {}

    /** The first line of {@code file}, which must not be empty. */
    static String readFirstLine(Path file) throws IOException {
        String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            throw new IOException(file + " holds no secret on its first line");
        }
        return first;
    }
}
