package dev.appauth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keycloak's login page driven over plain HTTP, as a browser without JavaScript would: one cookie jar per instance,
 * redirects not followed, the form's action read from the HTML. For the browser itself see LoginFlowBrowserIT.
 */
final class LoginPage {

    static final String REDIRECT_URI = "http://127.0.0.1:59999/callback";
    private static final Pattern FORM_ACTION =
            Pattern.compile("<form[^>]*id=\"(?:kc-form-login|kc-reset-password-form)\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern FORGOT_LINK = Pattern.compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"");

    record Page(int status, String html, String location) {
    }

    // cookies kept by hand: java.net.CookieManager drops those of a "localhost" host
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String clientId;
    private final String locale;
    private String action;

    LoginPage(String clientId, String locale) {
        this.clientId = clientId;
        this.locale = locale;
    }

    /** Opens the login page of an authorization request (code flow with PKCE). */
    Page open() {
        String query = form(Map.of("client_id", clientId, "response_type", "code", "scope", "openid", "state", "s",
                "redirect_uri", REDIRECT_URI, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method", "S256", "ui_locales", locale));
        Page page = send(HttpRequest.newBuilder(URI.create(AuthApi.oidc("auth") + "?" + query)).GET());
        remember(page);
        return page;
    }

    /** Submits the username/password form of the last page. */
    Page submit(String username, String password) {
        if (action == null) {
            throw new AssertionError("no login form on the last page");
        }
        Page page = send(HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", username, "password", password)))));
        remember(page);
        return page;
    }

    /** Follows the login page's "Forgot password?" link to the reset-credentials form. */
    Page forgotPassword(Page loginPage) {
        Matcher link = FORGOT_LINK.matcher(loginPage.html());
        if (!link.find()) {
            throw new AssertionError("no Forgot password link on the page");
        }
        return follow(URI.create(AuthApi.oidc("auth")).resolve(link.group(1).replace("&amp;", "&")).toString());
    }

    /** Submits the reset-credentials form of the last page with a username or email. */
    Page submitForgot(String usernameOrEmail) {
        if (action == null) {
            throw new AssertionError("no form on the last page");
        }
        Page page = send(HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", usernameOrEmail)))));
        remember(page);
        return page;
    }

    /** Follows a redirect within Keycloak. */
    Page follow(String location) {
        Page page = send(HttpRequest.newBuilder(URI.create(location)).GET());
        remember(page);
        return page;
    }

    private void remember(Page page) {
        Matcher m = FORM_ACTION.matcher(page.html());
        action = m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    private Page send(HttpRequest.Builder request) {
        try {
            request.header("Accept-Language", locale);
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            r.headers().allValues("Set-Cookie").forEach(header -> {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            });
            return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
