package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.login.LoginTestbed.Device;
import dev.trellis.coordinator.login.LoginTestbed.LoadedForm;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.http.HttpResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded login form against a real Tailnet over SQLite, through the real HTTP server. */
@Timeout(60)
class LoginPagesLocalTest {
    @TempDir
    Path dir;
    LoginTestbed bed;

    @BeforeEach
    void start() throws IOException {
        bed = LoginTestbed.local(dir);
        bed.localUser("alice", "wonderland");
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void theFormNamesTheDeviceAndCarriesTheSecurityHeaders() throws Exception {
        Device d = bed.pendingDevice("laptop");
        HttpResult page = bed.get(d.path());

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().first("Content-Type")).hasValue("text/html; charset=utf-8");
        assertSecurityHeaders(page);
        String html = page.bodyText();
        assertThat(html).contains("Log in to add <strong>laptop</strong> to the network")
                .contains("<label for=\"username\">").contains("<label for=\"password\">")
                .contains("name=\"csrf\"").doesNotContain("<script");
        assertThat(page.headers().all("Set-Cookie")).singleElement().asString()
                .startsWith(Cookies.CSRF + "=").contains("HttpOnly", "SameSite=Strict", "Path=/register/")
                .doesNotContain("Secure");
    }

    @Test
    void aHostnameFullOfMarkupIsEscaped() throws Exception {
        Device d = bed.pendingDevice("<script>alert(\"x\")</script>&");
        String html = bed.get(d.path()).bodyText();

        assertThat(html).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;");
    }

    @Test
    void aGoodPasswordAuthorizesTheWaitingNodeAndShowsSuccess() throws Exception {
        Device d = bed.pendingDevice("laptop");
        CompletableFuture<RegisterResponse> followup = bed.followup(d);
        LoadedForm form = bed.loadForm(d);

        HttpResult posted = bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers());

        assertThat(posted.status()).isEqualTo(303);
        assertThat(posted.headers().first("Location")).hasValue(d.authUrl() + "/done");
        assertSecurityHeaders(posted);
        RegisterResponse r = followup.get(10, TimeUnit.SECONDS);
        assertThat(r.machineAuthorized()).isTrue();
        assertThat(r.error()).isNull();
        assertThat(r.user().loginName()).isEqualTo("alice");
        assertThat(bed.store.listNodes()).singleElement()
                .satisfies(n -> assertThat(n.userId()).isEqualTo(bed.store.userByName("alice").orElseThrow().id()));

        HttpResult done = bed.get(d.path() + "/done");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.bodyText()).contains("Logged in. <strong>laptop</strong> is now connected; you can close this window.");
        assertSecurityHeaders(done);
    }

    @Test
    void aWrongPasswordOrUnknownUserShowsTheFormAgainAndAuthorizesNothing() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        for (String[] attempt : new String[][] {{"alice", "looking-glass"}, {"bob", "wonderland"}, {"", "x"},
                {"alice", ""}, {"a".repeat(300), "wonderland"}}) {
            HttpResult r = bed.postForm(d.path(), form.form(attempt[0], attempt[1]), form.headers());
            assertThat(r.status()).as("user %s", attempt[0]).isEqualTo(401);
            assertThat(r.bodyText()).contains("Invalid username or password.").contains("role=\"alert\"")
                    .contains("name=\"csrf\"");
            assertSecurityHeaders(r);
        }
        assertThat(bed.store.authRequestById(d.requestId()).orElseThrow().isCompleted()).isFalse();
        assertThat(bed.store.listNodes()).isEmpty();

        // The same form still works with the right password.
        assertThat(bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers()).status()).isEqualTo(303);
    }

    @Test
    void theUsernameIsKeptButEscapedWhenTheFormComesBack() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        String html = bed.postForm(d.path(), form.form("\"><b>x", "nope"), form.headers()).bodyText();

        assertThat(html).contains("value=\"&quot;&gt;&lt;b&gt;x\"").doesNotContain("<b>x");
    }

    @Test
    void usersWithoutALocalPasswordCannotLogInHere() throws Exception {
        bed.store.createUser(NewUser.local("nopass", "No Password", null));
        bed.store.createUser(NewUser.oidc("https://idp.example", "sub-1", "carol", "Carol", "carol@example.test"));
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        assertThat(bed.postForm(d.path(), form.form("nopass", "x"), form.headers()).status()).isEqualTo(401);
        assertThat(bed.postForm(d.path(), form.form("carol", "x"), form.headers()).status()).isEqualTo(401);
    }

    @Test
    void anUnreadableStoredHashFailsTheLoginWithoutCrashing() throws Exception {
        bed.store.createUser(NewUser.local("legacy", "Legacy", "{bcrypt}$2a$10$abcdefghijklmnopqrstuv"));
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        assertThat(bed.postForm(d.path(), form.form("legacy", "x"), form.headers()).status()).isEqualTo(401);
    }

    @Test
    void withoutAValidCsrfTokenAndCookieNothingIsChecked() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);
        Device other = bed.pendingDevice("desktop");
        LoadedForm otherForm = bed.loadForm(other);

        HttpResult noField = bed.postForm(d.path(), "username=alice&password=wonderland", form.headers());
        assertThat(noField.status()).isEqualTo(400);
        assertThat(noField.bodyText()).contains("missing its csrf field");

        HttpResult noCookie = bed.postForm(d.path(), form.form("alice", "wonderland"), Map.of());
        assertThat(noCookie.status()).isEqualTo(403);
        assertThat(noCookie.bodyText()).contains("did not send back the login page&#39;s cookie");

        HttpResult forged = bed.postForm(d.path(), form.form("alice", "wonderland").replace(form.csrf(), "A".repeat(43)),
                form.headers());
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.bodyText()).contains("out of date");

        HttpResult otherLink = bed.postForm(d.path(), otherForm.form("alice", "wonderland"), otherForm.headers());
        assertThat(otherLink.status()).as("token of another login link").isEqualTo(403);

        HttpResult otherBrowser = bed.postForm(d.path(), form.form("alice", "wonderland"), otherForm.headers());
        assertThat(otherBrowser.status()).as("cookie of another browser").isEqualTo(403);

        assertThat(bed.store.listNodes()).isEmpty();
    }

    @Test
    void aReplayedUrlSaysAlreadyUsedAndAddsNoSecondNode() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);
        assertThat(bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers()).status()).isEqualTo(303);

        HttpResult again = bed.get(d.path());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.bodyText()).contains("already been used").contains("<code>trellis login</code>");
        assertSecurityHeaders(again);

        HttpResult repost = bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers());
        assertThat(repost.status()).isEqualTo(409);
        assertThat(repost.bodyText()).contains("already been used");
        assertThat(bed.store.listNodes()).hasSize(1);
    }

    @Test
    void concurrentLoginsOnOneUrlCompleteItExactlyOnce() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);
        List<CompletableFuture<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            posts.add(CompletableFuture.supplyAsync(() -> {
                try (var client = dev.trellis.protocol.http.Http1Client.tcp(bed.serverUrl, null, Duration.ofSeconds(5))) {
                    var headers = new java.util.HashMap<>(form.headers());
                    headers.put("Content-Type", "application/x-www-form-urlencoded");
                    return client.send("POST", d.path(), headers,
                            form.form("alice", "wonderland").getBytes(StandardCharsets.UTF_8)).status();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        List<Integer> statuses = posts.stream().map(CompletableFuture::join).toList();

        assertThat(statuses).containsOnlyOnce(303).containsOnly(303, 409);
        assertThat(bed.store.listNodes()).hasSize(1);
    }

    @Test
    void anExpiredUrlSaysSoAndTheNodeHearsIt() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);
        CompletableFuture<RegisterResponse> followup = bed.followup(d);
        bed.clock.advance(LoginTestbed.LOGIN_TIMEOUT.plusSeconds(1));

        HttpResult page = bed.get(d.path());
        assertThat(page.status()).isEqualTo(410);
        assertThat(page.bodyText()).contains("expired").contains("<code>trellis login</code>");
        HttpResult posted = bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers());
        assertThat(posted.status()).isEqualTo(410);
        assertThat(bed.get(d.path() + "/done").status()).isEqualTo(410);

        RegisterResponse r = followup.get(10, TimeUnit.SECONDS);
        assertThat(r.machineAuthorized()).isFalse();
        assertThat(r.error()).contains("expired");
        assertThat(bed.store.listNodes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/register/nosuchrequest", "/register/", "/register/a%2Fb", "/register/..",
        "/register/abc/def", "/register/a123456789a123456789a123456789a123456789a123456789a123456789"})
    void unknownOrMalformedLinksAreNotFound(String path) throws Exception {
        HttpResult page = bed.get(path);

        assertThat(page.status()).isEqualTo(404);
        assertThat(page.bodyText()).contains("not one the coordinator knows").contains("<code>trellis login</code>");
        assertSecurityHeaders(page);
    }

    @Test
    void theSuccessPageOfAPendingLoginLeadsBackToTheForm() throws Exception {
        Device d = bed.pendingDevice("laptop");

        HttpResult done = bed.get(d.path() + "/done");

        assertThat(done.status()).isEqualTo(303);
        assertThat(done.headers().first("Location")).hasValue(d.authUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "csrf", "=x", "csrf=a&csrf=b&username=alice&password=w", "username=%zz",
        "username=%e", "username=%C3%28&password=x&csrf=x", "&&&", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11"
        + "&l=12&m=13&n=14&o=15&p=16&q=17"})
    void garbageFormsAreBadRequests(String body) throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        HttpResult r = bed.postForm(d.path(), body, form.headers());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.headers().first("Content-Type")).hasValue("text/html; charset=utf-8");
        assertSecurityHeaders(r);
        assertThat(bed.store.authRequestById(d.requestId()).orElseThrow().isCompleted()).isFalse();
    }

    @Test
    void otherContentTypesAndBinaryBodiesAreRefused() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        assertThat(bed.post(d.path(), "application/json", "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8),
                form.headers()).status()).isEqualTo(415);
        assertThat(bed.post(d.path(), null, form.form("alice", "wonderland").getBytes(StandardCharsets.UTF_8),
                form.headers()).status()).isEqualTo(415);
        byte[] binary = new byte[512];
        new java.util.Random(7).nextBytes(binary);
        assertThat(bed.post(d.path(), "application/x-www-form-urlencoded", binary, form.headers()).status())
                .isEqualTo(400);
        assertThat(bed.postForm(d.path(), "", form.headers()).status()).isEqualTo(400);
    }

    @Test
    void oversizedBodiesAreRefusedBeforeBeingParsed() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        HttpResult big = bed.postForm(d.path(), form.form("alice", "w".repeat(FormBody.MAX_BYTES)), form.headers());
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.bodyText()).contains("Form too large");

        // Refused on its declared length (the server skips the unread rest to keep the connection).
        HttpResult huge = bed.post(d.path(), "application/x-www-form-urlencoded", new byte[200 << 10], form.headers());
        assertThat(huge.status()).isEqualTo(413);

        // The coordinator still serves, and the login still works.
        assertThat(bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers()).status()).isEqualTo(303);
    }

    @Test
    void anOverlongPasswordIsJustWrong() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        assertThat(bed.postForm(d.path(), form.form("alice", "p".repeat(2000)), form.headers()).status()).isEqualTo(401);
    }

    @Test
    void failedLoginsPerLinkAreLimited() throws Exception {
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);
        for (int i = 0; i < LocalLogin.MAX_FAILURES_PER_LINK; i++) {
            assertThat(bed.postForm(d.path(), form.form("alice", "guess" + i), form.headers()).status()).isEqualTo(401);
        }

        HttpResult blocked = bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers());
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.headers().first("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(blocked.bodyText()).contains("Too many wrong passwords");
        assertThat(bed.store.listNodes()).isEmpty();

        // Another link from the same address is not blocked by this one's window...
        Device other = bed.pendingDevice("desktop");
        LoadedForm otherForm = bed.loadForm(other);
        assertThat(bed.postForm(other.path(), otherForm.form("alice", "nope"), otherForm.headers()).status())
                .isEqualTo(401);

        // ...and after the window this one works again.
        bed.clock.advance(LocalLogin.FAILURE_WINDOW.plusSeconds(1));
        assertThat(bed.postForm(d.path(), form.form("alice", "wonderland"), form.headers()).status()).isEqualTo(303);
    }

    @Test
    void theOidcCallbackIsOffWithLocalLogin() throws Exception {
        HttpResult r = bed.get("/oidc/callback?code=x&state=y");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.bodyText()).contains("its own login page");
    }

    @Test
    void successWithDefaultArgon2ParametersToo() throws Exception {
        User bob = bed.store.createUser(NewUser.local("bob", "Bob", new PasswordHasher().hash("builder".toCharArray())));
        Device d = bed.pendingDevice("laptop");
        LoadedForm form = bed.loadForm(d);

        assertThat(bed.postForm(d.path(), form.form("bob", "builder"), form.headers()).status()).isEqualTo(303);
        assertThat(bed.store.listNodes()).singleElement().satisfies(n -> assertThat(n.userId()).isEqualTo(bob.id()));
    }

    static void assertSecurityHeaders(HttpResult r) {
        assertThat(r.headers().first("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().first("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "style-src 'unsafe-inline'", "form-action 'self'",
                        "frame-ancestors 'none'"));
        assertThat(r.headers().first("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().first("Referrer-Policy")).hasValue("no-referrer");
    }
}
