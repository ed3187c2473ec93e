package dev.trellis.engine.wg;

/** What a configuration front end (UAPI, the daemon) needs from a device. */
public interface Configurable {

    /** A consistent snapshot of configuration and counters. */
    DeviceStatus status();

    /**
     * Applies a change. Changes before the failing item stay applied, as with wireguard-go's UAPI.
     */
    void apply(DeviceUpdate update) throws ConfigException;
}
