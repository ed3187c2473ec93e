package dev.trellis.protocol.localapi;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.trellis.protocol.net.IpPrefix;
import java.util.List;

/**
 * The body of {@code PATCH /localapi/v0/prefs}: Tailscale's {@code ipn.MaskedPrefs}, a flat
 * object of {@link Prefs} fields plus one {@code <Field>Set} flag per field. Only fields whose
 * flag is true change; a flagged field that is absent means its empty value ({@code ""},
 * {@code false}, {@code []}), as Go reads it. Flags are omitted when false.
 */
public record MaskedPrefs(
        @JsonUnwrapped Prefs prefs,
        @JsonProperty("ControlURLSet") @JsonInclude(NON_DEFAULT) boolean controlUrlSet,
        @JsonProperty("RouteAllSet") @JsonInclude(NON_DEFAULT) boolean routeAllSet,
        @JsonProperty("CorpDNSSet") @JsonInclude(NON_DEFAULT) boolean corpDnsSet,
        @JsonProperty("WantRunningSet") @JsonInclude(NON_DEFAULT) boolean wantRunningSet,
        @JsonProperty("LoggedOutSet") @JsonInclude(NON_DEFAULT) boolean loggedOutSet,
        @JsonProperty("ShieldsUpSet") @JsonInclude(NON_DEFAULT) boolean shieldsUpSet,
        @JsonProperty("AdvertiseTagsSet") @JsonInclude(NON_DEFAULT) boolean advertiseTagsSet,
        @JsonProperty("HostnameSet") @JsonInclude(NON_DEFAULT) boolean hostnameSet,
        @JsonProperty("AdvertiseRoutesSet") @JsonInclude(NON_DEFAULT) boolean advertiseRoutesSet,
        @JsonProperty("OperatorUserSet") @JsonInclude(NON_DEFAULT) boolean operatorUserSet) {

    public MaskedPrefs {
        prefs = prefs == null ? Prefs.NONE : prefs;
    }

    /** Whether no field is flagged: applying it changes nothing. */
    public boolean isEmpty() {
        return !(controlUrlSet || routeAllSet || corpDnsSet || wantRunningSet || loggedOutSet
                || shieldsUpSet || advertiseTagsSet || hostnameSet || advertiseRoutesSet || operatorUserSet);
    }

    /** {@code current} with every flagged field replaced: how a daemon applies the PATCH. */
    public Prefs applyTo(Prefs current) {
        Prefs p = prefs;
        return new Prefs(
                controlUrlSet ? orEmpty(p.controlUrl()) : current.controlUrl(),
                flag(routeAllSet, p.routeAll(), current.routeAll()),
                flag(corpDnsSet, p.corpDns(), current.corpDns()),
                flag(wantRunningSet, p.wantRunning(), current.wantRunning()),
                flag(loggedOutSet, p.loggedOut(), current.loggedOut()),
                flag(shieldsUpSet, p.shieldsUp(), current.shieldsUp()),
                advertiseTagsSet ? orEmpty(p.advertiseTags()) : current.advertiseTags(),
                hostnameSet ? orEmpty(p.hostname()) : current.hostname(),
                advertiseRoutesSet ? orEmpty(p.advertiseRoutes()) : current.advertiseRoutes(),
                operatorUserSet ? orEmpty(p.operatorUser()) : current.operatorUser());
    }

    /** The given value (absent = false) if flagged, else the current one, which may be null. */
    private static Boolean flag(boolean set, Boolean given, Boolean current) {
        return set ? Boolean.valueOf(Boolean.TRUE.equals(given)) : current;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MaskedPrefs}; each setter gives the value and raises its flag. */
    public static final class Builder {
        private final Prefs.Builder prefs = Prefs.builder();
        private boolean controlUrlSet;
        private boolean routeAllSet;
        private boolean corpDnsSet;
        private boolean wantRunningSet;
        private boolean loggedOutSet;
        private boolean shieldsUpSet;
        private boolean advertiseTagsSet;
        private boolean hostnameSet;
        private boolean advertiseRoutesSet;
        private boolean operatorUserSet;

        private Builder() {}

        public Builder controlUrl(String v) {
            prefs.controlUrl(v);
            controlUrlSet = true;
            return this;
        }

        public Builder routeAll(boolean v) {
            prefs.routeAll(v);
            routeAllSet = true;
            return this;
        }

        public Builder corpDns(boolean v) {
            prefs.corpDns(v);
            corpDnsSet = true;
            return this;
        }

        public Builder wantRunning(boolean v) {
            prefs.wantRunning(v);
            wantRunningSet = true;
            return this;
        }

        public Builder loggedOut(boolean v) {
            prefs.loggedOut(v);
            loggedOutSet = true;
            return this;
        }

        public Builder shieldsUp(boolean v) {
            prefs.shieldsUp(v);
            shieldsUpSet = true;
            return this;
        }

        public Builder advertiseTags(List<String> v) {
            prefs.advertiseTags(List.copyOf(v));
            advertiseTagsSet = true;
            return this;
        }

        public Builder hostname(String v) {
            prefs.hostname(v);
            hostnameSet = true;
            return this;
        }

        public Builder advertiseRoutes(List<IpPrefix> v) {
            prefs.advertiseRoutes(List.copyOf(v));
            advertiseRoutesSet = true;
            return this;
        }

        public Builder operatorUser(String v) {
            prefs.operatorUser(v);
            operatorUserSet = true;
            return this;
        }

        public MaskedPrefs build() {
            return new MaskedPrefs(prefs.build(), controlUrlSet, routeAllSet, corpDnsSet, wantRunningSet,
                    loggedOutSet, shieldsUpSet, advertiseTagsSet, hostnameSet, advertiseRoutesSet, operatorUserSet);
        }
    }
}
