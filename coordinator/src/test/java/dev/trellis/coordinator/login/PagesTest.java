package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagesTest {
    @Test
    void escapesEverythingThatCouldBeMarkup() {
        assertThat(Pages.escape("<a href=\"x\" onclick='y'>&`\u0000\u001b\n")).isEqualTo(
                "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;\uFFFD\uFFFD\n");
        assertThat(Pages.escape(null)).isEmpty();
    }

    @Test
    void backticksBecomeCodeAfterEscaping() {
        assertThat(Pages.prose("Run `trellis login` now")).isEqualTo("Run <code>trellis login</code> now");
        assertThat(Pages.prose("`<b>`")).isEqualTo("<code>&lt;b&gt;</code>");
        assertThat(Pages.prose("an ` unpaired <i>")).isEqualTo("an &#96; unpaired &lt;i&gt;");
        assertThat(Pages.prose("`a` and `b")).isEqualTo("<code>a</code> and &#96;b");
    }

    @Test
    void pagesCarryTheSecurityHeadersAndCharset() {
        var page = Pages.success("host");

        assertThat(page.headers().first("Content-Security-Policy")).hasValue(Pages.CSP);
        assertThat(page.headers().first("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().first("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().first("Referrer-Policy")).hasValue("no-referrer");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>")
                .contains("<html lang=\"en\">", "<meta charset=\"utf-8\">");
    }

    @Test
    void aDeviceWithoutAHostnameIsThisDevice() {
        assertThat(new String(Pages.loginForm(200, "", "t", null, null, List.of()).body(), StandardCharsets.UTF_8))
                .contains("Log in to add <strong>this device</strong> to the network");
    }

    @Test
    void aRateLimitPageSaysWhenToRetry() {
        var page = Pages.error(new LoginError(429, "Too many", "slow down", "wait", 42), List.of());

        assertThat(page.status()).isEqualTo(429);
        assertThat(page.headers().first("Retry-After")).hasValue("42");
    }
}
