package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The account mails as the server renders them with the project's email theme ({@code themes/app-auth/email}), in
 * English and in German: the verification mail, the password-reset mail (forgot-password) and the password-changed
 * mail (change-password). For each, the HTML part is the theme's layout ({@code html/template.ftl}: the realm's
 * display name in a header, a viewport meta for phones, a footer in the mail's language), not Keycloak's bare
 * {@code <html><body>} frame; the text part is plain text; the subject is the locale's message from the theme's
 * {@code messages_<locale>.properties}; and the HTML part links exactly where the text part does.
 *
 * <p>A mail's language is the user's {@code locale} attribute, else the realm's default (en): the German user gets
 * {@code locale=de} after registering, and its verification mail is the one {@code resend-verification} sends then.
 */
@ExtendWith(KeycloakStackExtension.class)
class MailTemplatesIT {

    private static final String NEW_PASSWORD = "amber compass lighthouse 73";
    /** Where the theme's messages are on the test classpath: in the providers jar the server runs (provided scope). */
    private static final String MESSAGES = "theme/app-auth/email/messages/messages_%s.properties";

    private static final Pattern HREF = Pattern.compile("<a\\s[^>]*?href=\"([^\"]*)\"");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"<>]+");
    private static final Pattern TAG = Pattern.compile("</?[a-zA-Z][a-zA-Z0-9]*(\\s[^<>]*)?/?>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);");

    @Test
    void englishMailsHaveTheThemesLayout() {
        AuthApi.TestUser user = AuthApi.newUser();
        // no locale attribute: the realm's default, en
        Mailbox.Mail verification = Mailbox.awaitMail(user.email(), 1);

        assertAccountMails(Locale.ENGLISH, user, verification, 1);
    }

    @Test
    void germanMailsHaveTheThemesLayoutInGerman() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1); // the registration's verification mail, in the realm's default (en)
        AuthApi.updateUser(user.id(), Map.of("attributes", Map.of("locale", List.of("de"))));
        Http.Reply resent = post("resend-verification", map("email", user.email()));
        assertThat(resent.status()).as(resent.toString()).isEqualTo(202);
        Mailbox.Mail verification = Mailbox.awaitMail(user.email(), 2);

        assertAccountMails(Locale.GERMAN, user, verification, 2);
    }

    /**
     * Checks the given verification mail (the user's {@code n}-th), then asks for a reset mail and a password-changed
     * mail and checks them, each awaited before the next is asked for so that they arrive in this order.
     */
    private static void assertAccountMails(Locale locale, AuthApi.TestUser user, Mailbox.Mail verification, int n) {
        Properties messages = messages(locale);
        String realmName = AuthApi.realm().get("displayName").asText();
        assertThat(realmName).isEqualTo("App");

        assertThemed(verification, locale, messages, realmName, "appAuthVerifyEmailSubject", true);

        Http.Reply forgot = post("forgot-password", map("email", user.email()));
        assertThat(forgot.status()).as(forgot.toString()).isEqualTo(202);
        assertThemed(Mailbox.awaitMail(user.email(), n + 1), locale, messages, realmName, "appAuthPasswordResetSubject", true);

        Http.Reply changed = AuthApi.bearerPost("change-password", user.accessToken(),
                map("current_password", STRONG_PASSWORD, "new_password", NEW_PASSWORD));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        // its "this was not me" reset link depends on the client and public URL: compared if there, not required
        assertThemed(Mailbox.awaitMail(user.email(), n + 2), locale, messages, realmName, "appAuthPasswordChangedSubject", false);
    }

    private static void assertThemed(Mailbox.Mail mail, Locale locale, Properties messages, String realmName,
                                     String subjectKey, boolean linkRequired) {
        String what = subjectKey + " [" + locale + "] ";

        assertThat(mail.subject()).as(what + "subject").isEqualTo(message(messages, locale, subjectKey));

        // the theme's layout, not base's <html lang dir><body> with the body straight in it
        assertThat(mail.html()).as(what + "html part").isNotNull();
        String html = mail.html().strip();
        assertThat(html).as(what + "html part")
                .startsWith("<!DOCTYPE html>")
                .contains("<html lang=\"" + locale.getLanguage() + "\"")
                .contains("<meta name=\"viewport\"")
                .contains("<title>" + escapeHtml(realmName) + "</title>")
                .containsPattern("class=\"app-auth-header\"[^>]*>" + Pattern.quote(escapeHtml(realmName)) + "</td>")
                .contains("class=\"app-auth-card app-auth-content\"")
                .contains(escapeHtml(message(messages, locale, "appAuthMailFooter", realmName)))
                .doesNotContainPattern("<html[^>]*>\\s*<body>")
                .doesNotContain("<script").doesNotContain("<img").doesNotContain("@import");

        assertThat(mail.text()).as(what + "text part").isNotBlank()
                .doesNotContainPattern(TAG)
                .doesNotContainPattern(ENTITY);

        List<String> textLinks = matches(URL, mail.text());
        List<String> htmlLinks = matches(HREF, html).stream().map(MailTemplatesIT::unescapeHtml).toList();
        assertThat(htmlLinks).as(what + "the html part's links, against the text part's").isEqualTo(textLinks);
        if (linkRequired) {
            assertThat(textLinks).as(what + "link").hasSize(1);
            assertThat(textLinks.get(0)).startsWith(KeycloakStackExtension.stack().realmUrl(AuthApi.REALM) + "/");
        }
    }

    /** The theme's messages of the locale, read from the classpath as Keycloak reads them: UTF-8. */
    private static Properties messages(Locale locale) {
        String resource = String.format(MESSAGES, locale.getLanguage());
        try (InputStream in = MailTemplatesIT.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test classpath (the app-auth-providers jar)").isNotNull();
            Properties properties = new Properties();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            return properties;
        } catch (IOException e) {
            throw new AssertionError("unreadable " + resource, e);
        }
    }

    /** A message formatted as Keycloak formats it (MessageFormat in the mail's locale). */
    private static String message(Properties messages, Locale locale, String key, Object... args) {
        String pattern = messages.getProperty(key);
        assertThat(pattern).as(key + " in messages_" + locale.getLanguage()).isNotBlank();
        return new MessageFormat(pattern, locale).format(args);
    }

    private static List<String> matches(Pattern pattern, String s) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(s);
        while (m.find()) {
            found.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return found;
    }

    /** FreeMarker's HTML escaping, which the layout applies to the realm's name and the footer. */
    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** An attribute value as a mail client reads it (Keycloak's sanitizer may write {@code &amp;} or {@code &#61;}). */
    private static String unescapeHtml(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String entity = m.group(1);
            String decoded = switch (entity) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> Character.toString(entity.startsWith("#x")
                        ? Integer.parseInt(entity.substring(2), 16) : Integer.parseInt(entity.substring(1)));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(decoded));
        }
        m.appendTail(out);
        return out.toString();
    }
}
