package dev.trellis.coordinator.login;

import static dev.trellis.coordinator.login.LoginPagesLocalTest.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.coordinator.login.FakeOidcProvider.Account;
import dev.trellis.coordinator.login.LoginTestbed.Device;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.http.HttpResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The OIDC login against {@link FakeOidcProvider}, with a real Tailnet over SQLite. */
@Timeout(60)
class LoginPagesOidcTest {
    static final Account ALICE = new Account("alice-sub", "alice@example.test", true, "alice", "Alice Liddell");

    @TempDir
    Path dir;
    FakeOidcProvider provider;
    LoginTestbed bed;

    @BeforeEach
    void start() throws IOException {
        provider = FakeOidcProvider.start();
        bed = withOidc(UnaryOperator.identity());
    }

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
        provider.close();
    }

    private LoginTestbed withOidc(UnaryOperator<LoginConfig.Oidc> adjust) throws IOException {
        return LoginTestbed.withConfig(dir, url -> LoginConfig.oidc(adjust.apply(LoginConfig.Oidc.of(
                URI.create(provider.issuer), FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, url))));
    }

    /** The browser at the auth URL: where it is sent, and the cookie it got. */
    record Started(URI location, String cookie) {
        Map<String, String> headers() {
            return Map.of("Cookie", cookie);
        }
    }

    private Started startLogin(Device d) throws IOException {
        HttpResult r = bed.get(d.path());
        assertThat(r.status()).as(r.bodyText()).isEqualTo(302);
        assertSecurityHeaders(r);
        return new Started(URI.create(r.headers().first("Location").orElseThrow()),
                LoginTestbed.cookieHeader(r, Cookies.OIDC));
    }

    private HttpResult callback(URI callback, Map<String, String> headers) throws IOException {
        return bed.get(callback.getRawPath() + "?" + callback.getRawQuery(), headers);
    }

    /** The whole round trip for one browser: auth URL, provider, callback. */
    private HttpResult login(Device d, Account account) throws IOException {
        Started s = startLogin(d);
        return callback(provider.authorize(s.location(), account), s.headers());
    }

    @Test
    void theAuthUrlRedirectsToTheProviderWithPkceStateAndNonce() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);

        Map<String, String> q = FakeOidcProvider.query(s.location().getRawQuery());
        assertThat(s.location().toString()).startsWith(provider.issuer + "/auth?");
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", FakeOidcProvider.CLIENT_ID)
                .containsEntry("redirect_uri", bed.serverUrl + "/oidc/callback")
                .containsEntry("scope", "openid profile email").containsEntry("code_challenge_method", "S256");
        assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(q.get("nonce")).hasSizeGreaterThanOrEqualTo(16);
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(s.location().toString()).doesNotContain(d.requestId()).doesNotContain(FakeOidcProvider.CLIENT_SECRET);

        Started again = startLogin(d);
        assertThat(FakeOidcProvider.query(again.location().getRawQuery()).get("state")).isNotEqualTo(q.get("state"));
    }

    @Test
    void theOidcCookieIsScopedToTheCallbackAndLax() throws Exception {
        HttpResult r = bed.get(bed.pendingDevice("laptop").path());

        assertThat(r.headers().all("Set-Cookie")).singleElement().asString().startsWith(Cookies.OIDC + "=")
                .contains("Path=/oidc/callback", "HttpOnly", "SameSite=Lax", "Max-Age=600");
    }

    @Test
    void aLoginAuthorizesTheWaitingNodeAsTheProvidersUser() throws Exception {
        Device d = bed.pendingDevice("laptop");
        CompletableFuture<RegisterResponse> followup = bed.followup(d);

        HttpResult r = login(d, ALICE);

        assertThat(r.status()).as(r.bodyText()).isEqualTo(303);
        assertThat(r.headers().first("Location")).hasValue(d.authUrl() + "/done");
        RegisterResponse registered = followup.get(10, TimeUnit.SECONDS);
        assertThat(registered.machineAuthorized()).isTrue();
        assertThat(registered.user().loginName()).isEqualTo("alice@example.test");
        assertThat(registered.user().displayName()).isEqualTo("Alice Liddell");
        User alice = bed.store.userByProviderSubject("oidc:" + provider.issuer, "alice-sub").orElseThrow();
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(bed.get(d.path() + "/done").bodyText()).contains("<strong>laptop</strong> is now connected");

        // A second device of the same person reuses the user.
        Device phone = bed.pendingDevice("phone");
        assertThat(login(phone, ALICE).status()).isEqualTo(303);
        assertThat(bed.store.listUsers()).hasSize(1);
        assertThat(bed.store.listNodes()).hasSize(2).allSatisfy(n -> assertThat(n.userId()).isEqualTo(alice.id()));
    }

    @Test
    void aTakenNameGetsASuffixAndMissingClaimsHaveFallbacks() throws Exception {
        bed.store.createUser(NewUser.local("alice", "Local Alice", null));

        assertThat(login(bed.pendingDevice("a"), ALICE).status()).isEqualTo(303);
        assertThat(bed.store.userByProviderSubject("oidc:" + provider.issuer, "alice-sub").orElseThrow().name())
                .isEqualTo("alice-2");

        Account bare = new Account("only-sub", null, null, null, null);
        assertThat(login(bed.pendingDevice("b"), bare).status()).isEqualTo(303);
        User u = bed.store.userByProviderSubject("oidc:" + provider.issuer, "only-sub").orElseThrow();
        assertThat(u.name()).isEqualTo("user");
        assertThat(u.loginName()).isEqualTo("only-sub");

        Account odd = new Account("odd-sub", "Bob.Builder+vpn@Example.test", true, null, null);
        assertThat(login(bed.pendingDevice("c"), odd).status()).isEqualTo(303);
        assertThat(bed.store.userByProviderSubject("oidc:" + provider.issuer, "odd-sub").orElseThrow().name())
                .isEqualTo("bob.builder-vpn");
    }

    @Test
    void theCallbackUrlWorksOnce() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);
        URI callback = provider.authorize(s.location(), ALICE);
        assertThat(callback(callback, s.headers()).status()).isEqualTo(303);

        HttpResult replay = callback(callback, s.headers());

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.bodyText()).contains("Login attempt not found");
        assertThat(bed.get(d.path()).status()).as("the auth URL").isEqualTo(409);
        assertThat(bed.store.listNodes()).hasSize(1);
    }

    @Test
    void aSecondLoginAtAUsedUrlSaysAlreadyUsedAndAddsNothing() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started first = startLogin(d);
        Started second = startLogin(d); // two tabs, both at the provider
        assertThat(callback(provider.authorize(first.location(), ALICE), first.headers()).status()).isEqualTo(303);

        HttpResult late = callback(provider.authorize(second.location(), ALICE), second.headers());

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.bodyText()).contains("already been used");
        assertThat(provider.tokenRequests.get()).as("no code exchanged for a used link").isEqualTo(1);
        assertThat(bed.store.listNodes()).hasSize(1);
    }

    @Test
    void aCallbackFromAnotherBrowserIsRefused() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);
        URI callback = provider.authorize(s.location(), ALICE);

        HttpResult r = callback(callback, Map.of());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("started in another browser");
        assertThat(bed.store.listNodes()).isEmpty();
    }

    @Test
    void unknownMissingOrGarbageStateIsRefused() throws Exception {
        Started s = startLogin(bed.pendingDevice("laptop"));
        for (String query : List.of("code=abc", "code=abc&state=nosuchstate", "state=&code=", "code=x&state=%ff%fe",
                "state=" + "s".repeat(5000))) {
            HttpResult r = bed.get("/oidc/callback?" + query, s.headers());
            assertThat(r.status()).as(query).isEqualTo(400);
            assertSecurityHeaders(r);
        }
        HttpResult plain = bed.get("/oidc/callback");
        assertThat(plain.status()).isEqualTo(400);
        assertThat(plain.bodyText()).contains("carries no state");
    }

    @Test
    void aCallbackWithoutCodeIsRefusedAndUsesUpTheState() throws Exception {
        Started s = startLogin(bed.pendingDevice("laptop"));
        String state = FakeOidcProvider.query(s.location().getRawQuery()).get("state");

        HttpResult r = bed.get("/oidc/callback?state=" + state, s.headers());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("no usable authorization code");
    }

    @Test
    void aRefusalByTheProviderIsShownEscaped() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);
        String state = FakeOidcProvider.query(s.location().getRawQuery()).get("state");

        HttpResult r = bed.get("/oidc/callback?error=access_denied&error_description=" + LoginTestbed.enc(
                "<b>User</b> said `no`") + "&state=" + state, s.headers());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.bodyText()).contains("did not log you in (access_denied: &lt;b&gt;User&lt;/b&gt; said  no ).")
                .contains("<code>trellis login</code>").doesNotContain("<b>User");
        // The state is used up by the refusal.
        assertThat(callback(provider.authorize(s.location(), ALICE), s.headers()).status()).isEqualTo(400);
        assertThat(bed.store.listNodes()).isEmpty();
    }

    @Test
    void idTokensThatFailVerificationAuthorizeNothing() throws Exception {
        List<UnaryOperator<JWTClaimsSet.Builder>> bad = List.of(
                b -> b.claim("nonce", "another-nonce"),
                b -> b.audience("someone-else"),
                b -> b.issuer("http://127.0.0.1:1"),
                b -> b.expirationTime(Date.from(Instant.now().minusSeconds(600)))
                        .issueTime(Date.from(Instant.now().minusSeconds(900))),
                b -> b.claim("nonce", null));
        for (UnaryOperator<JWTClaimsSet.Builder> tweak : bad) {
            provider.tweak = tweak;
            HttpResult r = login(bed.pendingDevice("laptop"), ALICE);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.bodyText()).contains("did not pass verification");
        }
        provider.tweak = UnaryOperator.identity();
        provider.forger = FakeOidcProvider.newUnpublishedKey("k1"); // a known kid, the wrong key
        assertThat(login(bed.pendingDevice("laptop"), ALICE).status()).isEqualTo(502);
        provider.forger = FakeOidcProvider.newUnpublishedKey("mallory");
        assertThat(login(bed.pendingDevice("laptop"), ALICE).status()).isEqualTo(502);

        assertThat(bed.store.listNodes()).isEmpty();
        assertThat(bed.store.listUsers()).isEmpty();
    }

    @Test
    void aRotatedSigningKeyIsFetchedWhenATokenNamesIt() throws Exception {
        assertThat(login(bed.pendingDevice("one"), ALICE).status()).isEqualTo(303);
        int fetches = provider.jwksFetches.get();
        assertThat(login(bed.pendingDevice("two"), ALICE).status()).isEqualTo(303);
        assertThat(provider.jwksFetches.get()).as("keys are cached").isEqualTo(fetches);

        provider.rotateKey("k2");
        assertThat(login(bed.pendingDevice("three"), ALICE).status()).isEqualTo(303);
        assertThat(provider.jwksFetches.get()).isGreaterThan(fetches);
    }

    @Test
    void aTokenEndpointRefusalIsAFriendlyPage() throws Exception {
        provider.tokenError = "invalid_grant";

        HttpResult r = login(bed.pendingDevice("laptop"), ALICE);

        assertThat(r.status()).isEqualTo(502);
        assertThat(r.bodyText()).contains("refused to finish the login (invalid_grant)");
        assertThat(r.bodyText()).doesNotContain(FakeOidcProvider.CLIENT_SECRET);
    }

    @Test
    void anUnreachableTokenEndpointIsAFriendlyPage() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);
        URI callback = provider.authorize(s.location(), ALICE);
        provider.close();

        HttpResult r = callback(callback, s.headers());

        assertThat(r.status()).isEqualTo(502);
        assertThat(r.bodyText()).contains("could not reach the identity provider");
    }

    @Test
    void aLinkThatExpiresWhileAtTheProviderSaysSo() throws Exception {
        Device d = bed.pendingDevice("laptop");
        Started s = startLogin(d);
        URI callback = provider.authorize(s.location(), ALICE);
        bed.clock.advance(Duration.ofMinutes(5));
        assertThat(callback(callback, s.headers()).status()).as("state still valid").isEqualTo(303);

        Device late = bed.pendingDevice("late");
        Started lateStart = startLogin(late);
        URI lateCallback = provider.authorize(lateStart.location(), ALICE);
        bed.clock.advance(OidcLogin.STATE_TTL.plusSeconds(1));
        HttpResult r = callback(lateCallback, lateStart.headers());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("took longer than 10 minutes");

        Device expiring = bed.pendingDevice("expiring");
        bed.clock.advance(LoginTestbed.LOGIN_TIMEOUT.minusMinutes(1));
        Started e = startLogin(expiring);
        URI eCallback = provider.authorize(e.location(), ALICE);
        bed.clock.advance(Duration.ofMinutes(2)); // the link expires while its state is still valid
        HttpResult gone = callback(eCallback, e.headers());
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.bodyText()).contains("expired before anyone logged in");
        assertThat(provider.tokenRequests.get()).as("no code exchanged for an expired link").isEqualTo(1);
    }

    @Test
    void allowListsRefuseOthersWithAClearPage() throws Exception {
        bed.close();
        bed = withOidc(o -> o.withAllowedDomains(List.of("Example.ORG")).withAllowedUsers(List.of("carol-sub")));

        HttpResult refused = login(bed.pendingDevice("laptop"), ALICE);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.bodyText()).contains("alice@example.test is not allowed to join this network")
                .contains("administrator");

        Account unverified = new Account("dave-sub", "dave@example.org", false, "dave", null);
        HttpResult notVerified = login(bed.pendingDevice("laptop"), unverified);
        assertThat(notVerified.status()).isEqualTo(403);
        assertThat(notVerified.bodyText()).contains("has not verified its email address");

        assertThat(login(bed.pendingDevice("a"), new Account("erin-sub", "erin@example.org", true, "erin", null))
                .status()).isEqualTo(303);
        assertThat(login(bed.pendingDevice("b"), new Account("carol-sub", null, null, "carol", null)).status())
                .isEqualTo(303);
        assertThat(bed.store.listUsers()).extracting(User::subject).containsExactlyInAnyOrder("erin-sub", "carol-sub");
    }

    @Test
    void postingToTheAuthUrlIsNotAllowedWithOidc() throws Exception {
        Device d = bed.pendingDevice("laptop");

        HttpResult r = bed.postForm(d.path(), "username=alice&password=x", Map.of());

        assertThat(r.status()).isEqualTo(405);
    }

    @Test
    void discoveryFailsFastWithAClearMessage() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        bed.close();
        bed = null;
        URI nowhere = URI.create("http://127.0.0.1:" + closed);
        assertThatThrownBy(() -> LoginTestbed.withConfig(dir.resolve("a"), url -> LoginConfig.oidc(
                LoginConfig.Oidc.of(nowhere, "id", "secret", url))))
                .isInstanceOf(LoginSetupException.class)
                .hasMessageContaining("cannot reach the OpenID provider's discovery document " + nowhere
                        + "/.well-known/openid-configuration")
                .hasMessageNotContaining("secret");

        provider.discoveryTweak = doc -> {
            doc.put("issuer", "https://elsewhere.example");
            return doc;
        };
        assertThatThrownBy(() -> withOidcIn(dir.resolve("b")))
                .isInstanceOf(LoginSetupException.class).hasMessageContaining("unusable");

        provider.discoveryTweak = doc -> {
            doc.put("id_token_signing_alg_values_supported", List.of("HS256"));
            return doc;
        };
        assertThatThrownBy(() -> withOidcIn(dir.resolve("c")))
                .isInstanceOf(LoginSetupException.class).hasMessageContaining("public-key algorithm");

        provider.discoveryTweak = doc -> {
            doc.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
            return doc;
        };
        assertThatThrownBy(() -> withOidcIn(dir.resolve("d")))
                .isInstanceOf(LoginSetupException.class).hasMessageContaining("client_secret_basic");
    }

    private void withOidcIn(Path other) throws IOException {
        LoginTestbed.withConfig(other, url -> LoginConfig.oidc(LoginConfig.Oidc.of(URI.create(provider.issuer),
                FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, url))).close();
    }

}
