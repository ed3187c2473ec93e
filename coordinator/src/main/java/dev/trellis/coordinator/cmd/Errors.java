package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminApiException;
import dev.trellis.coordinator.store.StoreException;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;

/** One line for an operator, saying what went wrong and what to do. */
final class Errors {
    private Errors() {}

    static String describe(Throwable e) {
        return switch (e) {
            case BindException b -> "cannot listen: " + b.getMessage()
                    + " (another process has the port? choose another with --listen HOST:PORT)";
            case AccessDeniedException a -> "permission denied: " + a.getFile()
                    + " (run as the user that owns the data directory, or choose another with --data-dir)";
            case StoreException s -> s.getMessage();
            case AdminApiException a -> a.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            case IOException io -> io.getMessage();
            default -> e.toString();
        };
    }
}
