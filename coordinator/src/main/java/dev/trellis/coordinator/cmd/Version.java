package dev.trellis.coordinator.cmd;

import picocli.CommandLine;

/** The build version, from the jar manifest ("dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"trellis-coordinator " + (v == null ? "dev" : v)};
    }
}
