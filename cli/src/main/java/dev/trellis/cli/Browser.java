package dev.trellis.cli;

import java.io.IOException;

/** Opens a login URL for the user; a best effort, since the URL is always printed too. */
interface Browser {

    /** Opens {@code url} (an http or https URL); failures are ignored. */
    void open(String url);

    /**
     * {@code xdg-open URL}, started without a shell and not waited for. The caller decides
     * whether a desktop session exists (DISPLAY or WAYLAND_DISPLAY).
     */
    static Browser xdgOpen() {
        return url -> {
            try {
                Process p = new ProcessBuilder("xdg-open", url)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                p.getOutputStream().close();
            } catch (IOException e) {
                // No xdg-open (a server): the printed URL is enough.
            }
        };
    }
}
