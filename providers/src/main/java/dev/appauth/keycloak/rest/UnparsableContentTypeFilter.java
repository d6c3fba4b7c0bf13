package dev.appauth.keycloak.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * A Content-Type header that does not parse (e.g. {@code applic@tion/json}) makes RESTEasy and Keycloak's
 * security-headers filter fail with a 500 on any endpoint. Under /auth it is replaced, before routing, by a type
 * the API refuses, so the caller gets the API's 415.
 */
@Provider
@PreMatching
public class UnparsableContentTypeFilter implements ContainerRequestFilter {

    /** Stands in for the header that did not parse; no endpoint accepts it. */
    static final String REPLACEMENT = "application/x-unparsable-content-type";

    @Override
    public void filter(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !ApiPaths.isApiPath(request.getUriInfo().getPathSegments())) {
            return;
        }
        try {
            MediaType.valueOf(contentType);
        } catch (IllegalArgumentException unparsable) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, REPLACEMENT);
        }
    }
}
