package dev.trellis.desktop.platform;

/** Opens a web page for the user: a login URL, in their browser. */
@FunctionalInterface
public interface UrlOpener {

    /**
     * Opens {@code url} (an http or https URL) and returns without waiting for the browser.
     *
     * @throws java.io.IOException when no way to open it worked; the message says what was tried
     */
    void open(String url) throws java.io.IOException;
}
