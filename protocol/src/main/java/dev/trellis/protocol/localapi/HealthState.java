package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * The daemon's health in {@link Notify#health()}: Tailscale's {@code health.State}. A problem is
 * present while it lasts; its absence from the next state means it is over.
 *
 * @param warnings current problems by warnable code, e.g. {@code "control-unreachable"}; empty
 *     when healthy
 */
public record HealthState(@JsonProperty("Warnings") Map<String, Warning> warnings) {

    public HealthState {
        warnings = Copies.map(warnings);
    }

    /**
     * One current problem: Tailscale's {@code health.UnhealthyState}.
     *
     * @param warnableCode the problem's code, the same as its key in the map
     * @param severity {@code "high"}, {@code "medium"} or {@code "low"}
     * @param title a short heading
     * @param text a sentence for people that says what to do
     * @param brokenSince when the problem began, or null
     * @param impactsConnectivity whether traffic is affected (omitted when false)
     */
    public record Warning(
            @JsonProperty("WarnableCode") String warnableCode,
            @JsonProperty("Severity") String severity,
            @JsonProperty("Title") String title,
            @JsonProperty("Text") String text,
            @JsonProperty("BrokenSince") Instant brokenSince,
            @JsonProperty("ImpactsConnectivity") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
            boolean impactsConnectivity) {}
}
