package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminInputs;
import java.time.Instant;
import picocli.CommandLine;

/** Times on the command line, as the API takes them: RFC 3339 with an offset. */
final class Rfc3339 implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return AdminInputs.time(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
