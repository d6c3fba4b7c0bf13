package dev.appauth.keycloak.rest;

import java.security.cert.X509Certificate;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;

/**
 * The current request as Keycloak's grant types and authenticators expect it: they read OAuth
 * parameters as form parameters, while the API receives JSON. Everything else (headers, client
 * certificate, proxy trust) comes from the real request.
 */
final class JsonFormHttpRequest implements HttpRequest {

    private final HttpRequest delegate;
    private final MultivaluedMap<String, String> formParameters;

    JsonFormHttpRequest(HttpRequest delegate, MultivaluedMap<String, String> formParameters) {
        this.delegate = delegate;
        this.formParameters = formParameters;
    }

    @Override
    public String getHttpMethod() {
        return delegate.getHttpMethod();
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return formParameters;
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return new jakarta.ws.rs.core.MultivaluedHashMap<>();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return delegate.getHttpHeaders();
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return delegate.getClientCertificateChain();
    }

    @Override
    public UriInfo getUri() {
        return delegate.getUri();
    }

    @Override
    public boolean isProxyTrusted() {
        return delegate.isProxyTrusted();
    }
}
