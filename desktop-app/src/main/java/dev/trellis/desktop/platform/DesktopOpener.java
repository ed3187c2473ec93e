package dev.trellis.desktop.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens URLs in the user's browser: with the command the user chose ({@code --browser}), else
 * through JavaFX's HostServices (which, on Linux, runs the first of xdg-open and a few browsers
 * it finds), else with {@code xdg-open} directly when HostServices is not there or fails.
 */
public final class DesktopOpener implements UrlOpener {
    private final List<String> command;
    private final Consumer<String> hostServices;

    /**
     * @param command the browser command (the URL is added as its last argument), or empty
     * @param hostServices JavaFX's {@code HostServices::showDocument}, or null outside JavaFX
     */
    public DesktopOpener(List<String> command, Consumer<String> hostServices) {
        this.command = List.copyOf(command);
        this.hostServices = hostServices;
    }

    @Override
    public void open(String url) throws IOException {
        if (!command.isEmpty()) {
            launch(command, url);
            return;
        }
        if (hostServices != null) {
            try {
                hostServices.accept(url);
                return;
            } catch (RuntimeException e) {
                // fall through to xdg-open
            }
        }
        if (!onPath("xdg-open")) {
            throw new IOException("no browser found: install xdg-utils, or start the app with --browser COMMAND");
        }
        launch(List.of("xdg-open"), url);
    }

    private static void launch(List<String> cmd, String url) throws IOException {
        List<String> full = new ArrayList<>(cmd);
        full.add(url);
        try {
            new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IOException("could not run " + cmd.getFirst() + ": " + e.getMessage(), e);
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
