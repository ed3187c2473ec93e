package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginConfigTest {
    private static final URI SERVER = URI.create("https://vpn.example.com");
    private static final LoginConfig.Oidc BASE = LoginConfig.Oidc.of(URI.create("https://idp.example.com/realms/x"),
            "trellis", "very-secret", SERVER);

    @Test
    void localIsTheDefaultAndOidcHasSensibleDefaults() {
        assertThat(LoginConfig.local().usesOidc()).isFalse();
        assertThat(LoginConfig.oidc(BASE).usesOidc()).isTrue();
        assertThat(BASE.scopes()).containsExactly("openid", "profile", "email");
        assertThat(BASE.redirectUri()).isEqualTo(URI.create("https://vpn.example.com/oidc/callback"));
        assertThat(LoginConfig.Oidc.callbackUri(URI.create("https://vpn.example.com/")))
                .isEqualTo(URI.create("https://vpn.example.com/oidc/callback"));
        assertThat(BASE.allowsEveryone()).isTrue();
    }

    @Test
    void theSecretIsNeverPrinted() {
        assertThat(BASE.toString()).doesNotContain("very-secret").contains("[redacted]");
        assertThat(LoginConfig.oidc(BASE).toString()).doesNotContain("very-secret");
    }

    @Test
    void badSettingsAreRefusedWithAReason() {
        assertThatThrownBy(() -> LoginConfig.Oidc.of(URI.create("http://idp.example.com"), "a", "b", SERVER))
                .hasMessageContaining("must use https");
        assertThatThrownBy(() -> LoginConfig.Oidc.of(URI.create("idp.example.com"), "a", "b", SERVER))
                .hasMessageContaining("absolute URL");
        assertThatThrownBy(() -> LoginConfig.Oidc.of(URI.create("https://idp.example.com?x=1"), "a", "b", SERVER))
                .hasMessageContaining("no query");
        assertThatThrownBy(() -> LoginConfig.Oidc.of(BASE.issuer(), " ", "b", SERVER)).hasMessageContaining("client id");
        assertThatThrownBy(() -> LoginConfig.Oidc.of(BASE.issuer(), "a", "", SERVER)).hasMessageContaining("secret");
        assertThatThrownBy(() -> BASE.withScopes(List.of("profile"))).hasMessageContaining("must include openid");
        assertThatThrownBy(() -> BASE.withScopes(List.of("openid", "a b"))).hasMessageContaining("scope token");
        assertThatThrownBy(() -> BASE.withAllowedDomains(List.of("not a domain"))).hasMessageContaining("not a domain");
        assertThatThrownBy(() -> LoginConfig.oidc(null)).hasMessageContaining("LoginConfig.local()");
    }

    @Test
    void plainHttpIsAllowedOnLoopbackOnly() {
        for (String ok : List.of("http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:80")) {
            assertThat(LoginConfig.Oidc.of(URI.create(ok), "a", "b", SERVER).issuer()).hasToString(ok);
        }
        assertThatThrownBy(() -> LoginConfig.Oidc.of(URI.create("http://10.0.0.1"), "a", "b", SERVER))
                .hasMessageContaining("https");
    }

    @Test
    void allowListsMatchVerifiedEmailsAndSubjects() {
        LoginConfig.Oidc o = BASE.withAllowedDomains(List.of("@Example.ORG")).withAllowedUsers(List.of("Bob@Else.test",
                "sub-7"));

        assertThat(o.allowedDomains()).containsExactly("example.org");
        assertThat(o.allows("x", "ann@example.org", true)).isTrue();
        assertThat(o.allows("x", "ann@EXAMPLE.org", true)).isTrue();
        assertThat(o.allows("x", "ann@example.org", false)).as("unverified").isFalse();
        assertThat(o.allows("x", "ann@sub.example.org", true)).as("subdomains are other domains").isFalse();
        assertThat(o.allows("x", "ann@example.org.evil.test", true)).isFalse();
        assertThat(o.allows("x", "bob@else.test", true)).isTrue();
        assertThat(o.allows("sub-7", null, false)).isTrue();
        assertThat(o.allows("x", null, false)).isFalse();
    }
}
