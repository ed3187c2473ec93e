package dev.trellis.coordinator.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system knows about this process: CPU time, resident memory, file
 * descriptors. Each reading is -1 where the platform cannot give it, and is then left out of
 * the exposition rather than reported as zero.
 */
final class ProcessStats {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final Path AUXV = Path.of("/proc/self/auxv");
    /** {@code AT_PAGESZ} in the ELF auxiliary vector: the kernel's page size for this process. */
    private static final long AT_PAGESZ = 6;
    /** The auxiliary vector and statm are a few hundred bytes; refuse to read more. */
    private static final int MAX_PROC_FILE = 64 * 1024;

    private final long pageSize = pageSize();

    /** CPU time used by the process, user plus system, in seconds; -1 if unknown. */
    double cpuSeconds() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long nanos = sun.getProcessCpuTime();
            return nanos < 0 ? -1 : nanos / 1e9;
        }
        return -1;
    }

    /** Resident set size: the second field of /proc/self/statm, in pages, times the page size; -1 off Linux. */
    long residentBytes() {
        if (pageSize <= 0) {
            return -1;
        }
        try {
            String[] fields = new String(readSmall(STATM), StandardCharsets.US_ASCII).strip().split("\\s+");
            return fields.length < 2 ? -1 : Long.parseLong(fields[1]) * pageSize;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    long openFds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getOpenFileDescriptorCount() : -1;
    }

    long maxFds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : -1;
    }

    /** When the JVM started, in seconds since the epoch. */
    double startTimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3;
    }

    /**
     * The page size from the auxiliary vector: pairs of native words (type, value), ended by type
     * 0. Java has no portable way to ask, and guessing 4096 is wrong on 16 KiB and 64 KiB arm64
     * kernels. -1 if there is no /proc.
     */
    static long pageSize() {
        try {
            return pageSizeFrom(readSmall(AUXV), ByteOrder.nativeOrder(),
                    "32".equals(System.getProperty("sun.arch.data.model")) ? 4 : 8);
        } catch (IOException e) {
            return -1;
        }
    }

    static long pageSizeFrom(byte[] auxv, ByteOrder order, int wordSize) {
        ByteBuffer b = ByteBuffer.wrap(auxv).order(order);
        while (b.remaining() >= 2 * wordSize) {
            long type = wordSize == 8 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
            long value = wordSize == 8 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
            if (type == 0) {
                break;
            }
            if (type == AT_PAGESZ) {
                return value > 0 && value <= 1L << 30 ? value : -1;
            }
        }
        return -1;
    }

    private static byte[] readSmall(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_PROC_FILE + 1);
            if (bytes.length > MAX_PROC_FILE) {
                throw new IOException(file + " is unexpectedly large");
            }
            return bytes;
        }
    }
}
