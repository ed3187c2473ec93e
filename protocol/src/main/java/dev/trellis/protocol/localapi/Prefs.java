package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.net.IpPrefix;
import java.util.List;

/**
 * The user's settings for the node: Tailscale's {@code ipn.Prefs}, limited to the fields Trellis
 * knows. Unlike the other types here, every field is nullable and null means "not given": a
 * {@code GET /prefs} reply fills every field, while {@link Options#updatePrefs()} may carry only
 * the fields to change (see {@link #merge}). A given empty string or empty list is written out,
 * because it differs from "not given" ({@code "Hostname": ""} resets to the OS hostname).
 *
 * @param controlUrl the coordinator's URL; empty = the built-in default
 * @param routeAll accept subnet routes that peers advertise
 * @param corpDns use the network's DNS settings
 * @param wantRunning the user wants the tunnel up; false after {@code trellis down}
 * @param loggedOut the user logged out explicitly; don't log in again by itself
 * @param shieldsUp refuse all incoming connections
 * @param advertiseTags tags to request for this node, e.g. {@code tag:server}
 * @param hostname the name to register; empty = the OS hostname
 * @param advertiseRoutes subnets this node offers to route for peers
 * @param operatorUser a local user allowed to operate the daemon without root, or empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prefs(
        @JsonProperty("ControlURL") String controlUrl,
        @JsonProperty("RouteAll") Boolean routeAll,
        @JsonProperty("CorpDNS") Boolean corpDns,
        @JsonProperty("WantRunning") Boolean wantRunning,
        @JsonProperty("LoggedOut") Boolean loggedOut,
        @JsonProperty("ShieldsUp") Boolean shieldsUp,
        @JsonProperty("AdvertiseTags") List<String> advertiseTags,
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("AdvertiseRoutes") List<IpPrefix> advertiseRoutes,
        @JsonProperty("OperatorUser") String operatorUser) {

    /** No field given. */
    public static final Prefs NONE = builder().build();

    public Prefs {
        advertiseTags = Copies.listOrNull(advertiseTags);
        advertiseRoutes = Copies.listOrNull(advertiseRoutes);
    }

    /**
     * These prefs with every field that {@code update} gives replacing ours: how a daemon applies
     * {@link Options#updatePrefs()}. A Go client always gives every field, so for it this is
     * Tailscale's whole-prefs replacement.
     */
    public Prefs merge(Prefs update) {
        return new Prefs(
                pick(update.controlUrl, controlUrl),
                pick(update.routeAll, routeAll),
                pick(update.corpDns, corpDns),
                pick(update.wantRunning, wantRunning),
                pick(update.loggedOut, loggedOut),
                pick(update.shieldsUp, shieldsUp),
                pick(update.advertiseTags, advertiseTags),
                pick(update.hostname, hostname),
                pick(update.advertiseRoutes, advertiseRoutes),
                pick(update.operatorUser, operatorUser));
    }

    private static <T> T pick(T given, T current) {
        return given != null ? given : current;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .controlUrl(controlUrl).routeAll(routeAll).corpDns(corpDns).wantRunning(wantRunning)
                .loggedOut(loggedOut).shieldsUp(shieldsUp).advertiseTags(advertiseTags)
                .hostname(hostname).advertiseRoutes(advertiseRoutes).operatorUser(operatorUser);
    }

    /** Builds {@link Prefs}; fields not set stay null ("not given"). */
    public static final class Builder {
        private String controlUrl;
        private Boolean routeAll;
        private Boolean corpDns;
        private Boolean wantRunning;
        private Boolean loggedOut;
        private Boolean shieldsUp;
        private List<String> advertiseTags;
        private String hostname;
        private List<IpPrefix> advertiseRoutes;
        private String operatorUser;

        private Builder() {}

        public Builder controlUrl(String v) {
            controlUrl = v;
            return this;
        }

        public Builder routeAll(Boolean v) {
            routeAll = v;
            return this;
        }

        public Builder corpDns(Boolean v) {
            corpDns = v;
            return this;
        }

        public Builder wantRunning(Boolean v) {
            wantRunning = v;
            return this;
        }

        public Builder loggedOut(Boolean v) {
            loggedOut = v;
            return this;
        }

        public Builder shieldsUp(Boolean v) {
            shieldsUp = v;
            return this;
        }

        public Builder advertiseTags(List<String> v) {
            advertiseTags = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        public Builder advertiseRoutes(List<IpPrefix> v) {
            advertiseRoutes = v;
            return this;
        }

        public Builder operatorUser(String v) {
            operatorUser = v;
            return this;
        }

        public Prefs build() {
            return new Prefs(controlUrl, routeAll, corpDns, wantRunning, loggedOut, shieldsUp,
                    advertiseTags, hostname, advertiseRoutes, operatorUser);
        }
    }
}
