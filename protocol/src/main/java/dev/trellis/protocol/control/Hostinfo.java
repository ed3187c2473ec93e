package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a node says about itself. Every field may be absent (null) in a message from an older
 * or more private node.
 *
 * @param hostname the OS hostname; the coordinator derives the node's DNS-safe name from it
 * @param os "linux", "macos", "windows", …
 * @param osVersion free text, e.g. a kernel release
 * @param trellisVersion the node's build version
 * @param netInfo what the node's network allows (its last netcheck); null = not measured
 */
public record Hostinfo(
        String hostname,
        @JsonProperty("OS") String os,
        @JsonProperty("OSVersion") String osVersion,
        String trellisVersion,
        NetInfo netInfo) {

    /** Hostinfo without network information. */
    public Hostinfo(String hostname, String os, String osVersion, String trellisVersion) {
        this(hostname, os, osVersion, trellisVersion, null);
    }

    /** A copy with {@code info} as its network information. */
    public Hostinfo withNetInfo(NetInfo info) {
        return new Hostinfo(hostname, os, osVersion, trellisVersion, info);
    }
}
