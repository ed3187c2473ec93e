package dev.trellis.coordinator.login;

import dev.trellis.protocol.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The login pages' HTML and the headers every login response carries. Everything that comes
 * from outside (host names, user names, provider messages) goes through {@link #escape}; text in
 * backticks becomes {@code <code>} after escaping, so a message can name a command safely.
 */
final class Pages {
    /**
     * No script, no images, no framing; inline style only; forms post back to this origin only.
     * An OIDC login leaves by a 302, which form-action does not govern.
     */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    static final String NEXT_STEP = "Run `trellis login` again on the device to get a new link.";
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1d2330;margin:0}
            main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;\
            box-shadow:0 1px 4px rgba(0,0,0,.12)}
            h1{font-size:1.4rem;margin-top:0}
            label{display:block;margin-top:1rem;font-weight:600}
            input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.5rem;\
            margin-top:.25rem;font-size:1rem;border:1px solid #8a94a6;border-radius:4px}
            button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:4px;\
            background:#2456c7;color:#fff;cursor:pointer}
            button:focus,input:focus{outline:3px solid #9bb8f5}
            .error{color:#a3161a;background:#fdeced;padding:.6rem;border-radius:4px}
            code{background:#eef0f4;padding:0 .25rem;border-radius:3px}
            """;

    private Pages() {}

    /** A builder with the headers every login response carries: never cached, framed or referred. */
    static HttpResponse.Builder builder(int status) {
        return HttpResponse.builder(status)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff");
    }

    static HttpResponse html(int status, String title, String bodyHtml, List<String> cookies) {
        HttpResponse.Builder b = builder(status);
        cookies.forEach(c -> b.header("Set-Cookie", c));
        return page(b, title, bodyHtml);
    }

    /** Completes {@code b} (from {@link #builder}) with the page {@code title} around {@code bodyHtml}. */
    static HttpResponse page(HttpResponse.Builder b, String title, String bodyHtml) {
        String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + " · Trellis</title>\n<style>" + STYLE + "</style>\n</head>\n"
                + "<body>\n<main>\n<h1>" + escape(title) + "</h1>\n" + bodyHtml + "</main>\n</body>\n</html>\n";
        return b.body("text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A redirect (302 or 303) to {@code location}, which must be a URL we built. */
    static HttpResponse redirect(int status, String location, List<String> cookies) {
        HttpResponse.Builder b = builder(status).header("Location", location);
        cookies.forEach(c -> b.header("Set-Cookie", c));
        return b.build();
    }

    /**
     * The local login form for the node {@code hostname}; {@code error} (may be null) is shown
     * above it and {@code username} (may be null) is filled in again.
     */
    static HttpResponse loginForm(int status, String hostname, String csrfToken, String username, String error,
            List<String> cookies) {
        StringBuilder body = new StringBuilder();
        body.append("<p>Log in to add <strong>").append(escape(device(hostname)))
                .append("</strong> to the network.</p>\n");
        if (error != null) {
            body.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        }
        body.append("<form method=\"post\">\n")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(escape(csrfToken)).append("\">\n")
                .append("<label for=\"username\">Username</label>\n")
                .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" ")
                .append("autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"255\" required")
                .append(username == null || username.isEmpty() ? " autofocus" : " value=\"" + escape(username) + "\"")
                .append(">\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" ")
                .append("required").append(username == null || username.isEmpty() ? "" : " autofocus").append(">\n")
                .append("<button type=\"submit\">Log in</button>\n</form>\n");
        return html(status, "Log in to Trellis", body.toString(), cookies);
    }

    static HttpResponse success(String hostname) {
        return html(200, "Logged in", "<p>Logged in. <strong>" + escape(device(hostname))
                + "</strong> is now connected; you can close this window.</p>\n", List.of());
    }

    /** An error page: what happened, then what to do next (either may hold `code`). */
    static HttpResponse error(LoginError e, List<String> cookies) {
        String body = "<p class=\"error\" role=\"alert\">" + prose(e.getMessage()) + "</p>\n"
                + (e.nextStep() == null ? "" : "<p>" + prose(e.nextStep()) + "</p>\n");
        HttpResponse.Builder b = builder(e.status());
        cookies.forEach(c -> b.header("Set-Cookie", c));
        if (e.retryAfterSeconds() > 0) {
            b.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        return page(b, e.title(), body);
    }

    /** What a page calls the node: its host name, or "this device" if it sent none. */
    static String device(String hostname) {
        return hostname == null || hostname.isBlank() ? "this device" : hostname;
    }

    /** Escaped text with `backticked` parts set as code; an unpaired backtick stays as it is. */
    static String prose(String text) {
        String[] parts = (text == null ? "" : text).split("`", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 0) {
                out.append(escape(parts[i]));
            } else if (i < parts.length - 1) {
                out.append("<code>").append(escape(parts[i])).append("</code>");
            } else {
                out.append(escape("`" + parts[i]));
            }
        }
        return out.toString();
    }

    /** HTML-escapes text for element content and double-quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) {
                        out.append('\uFFFD'); // control characters have no business on a page
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
