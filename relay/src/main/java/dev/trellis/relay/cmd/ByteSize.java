package dev.trellis.relay.cmd;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A byte count for the command line: digits, optionally with K, M or G (powers of 1024). */
final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> { }
            }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
            throw new TypeConversionException("'" + text + "' is not a positive byte count like 65536, 512K, 256M or 1G");
        }
        return n << shift;
    }
}
