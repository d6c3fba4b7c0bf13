package dev.appauth.keycloak.authenticator;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Keycloak's username/password form, with the login rate limit counted when the form is submitted, before the
 * password is checked. Over the limit the form comes back (HTTP 429) with the message
 * {@value #MESSAGE} of the realm's login theme, in the user's language.
 */
final class RateLimitedUsernamePasswordForm extends UsernamePasswordForm {

    static final String MESSAGE = "appAuthLoginRateLimited";

    private final FlowRateLimit limit;

    RateLimitedUsernamePasswordForm(KeycloakSession session, FlowRateLimit limit) {
        super(session);
        this.limit = limit;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        if (form.containsKey(AuthenticationManager.FORM_USERNAME) || form.containsKey("password")) {
            String login = context.getUser() != null ? context.getUser().getUsername()
                    : form.getFirst(AuthenticationManager.FORM_USERNAME);
            long wait = limit.attempt(context, login);
            if (wait > 0) {
                context.challenge(tooMany(context, login, wait));
                return;
            }
        }
        super.action(context);
    }

    private Response tooMany(AuthenticationFlowContext context, String login, long wait) {
        MultivaluedMap<String, String> typed = new MultivaluedHashMap<>();
        if (login != null) {
            typed.add(AuthenticationManager.FORM_USERNAME, login);
        }
        Response page = context.form()
                .setExecution(context.getExecution().getId())
                .setFormData(typed)
                .setError(MESSAGE, wait)
                .createLoginUsernamePassword();
        return Response.fromResponse(page).status(429).header(HttpHeaders.RETRY_AFTER, wait).build();
    }
}
