package dev.trellis.coordinator.policy;

import java.util.List;

/**
 * One {@code tests} entry: from {@code src}, every {@code accept} destination must be reachable
 * and no {@code deny} destination may be.
 *
 * @param index 0-based position in {@code tests}
 * @param protos what is tried; a test without proto tries TCP
 */
record Expectation(int index, int line, String src, Subject subject, List<Integer> protos, List<Case> accept,
        List<Case> deny) {
    Expectation {
        protos = List.copyOf(protos);
        accept = List.copyOf(accept);
        deny = List.copyOf(deny);
    }

    /** One {@code dst:port} of a test. */
    record Case(String text, Subject dst, int port, int line, int column) {}
}
