package dev.appauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appauth.launcher.KeycloakStack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Minimal Keycloak admin REST access for ITs: a master-realm admin token and JSON calls with it. */
public final class AdminApi {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final KeycloakStack stack;
    private final String token;

    private AdminApi(KeycloakStack stack, String token) {
        this.stack = stack;
        this.token = token;
    }

    /** Logs in as the stack's bootstrap admin (password grant, realm master, client admin-cli). */
    public static AdminApi login(KeycloakStack stack) throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli"
                + "&username=" + URLEncoder.encode(stack.adminUsername(), StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(stack.adminPassword(), StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(stack.realmUrl("master") + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("admin login failed: " + response.statusCode() + " " + response.body());
        }
        return new AdminApi(stack, JSON.readTree(response.body()).path("access_token").asText());
    }

    public String token() {
        return token;
    }

    /** GET {base}/admin{path}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST/PUT a JSON body to {base}/admin{path}. */
    public HttpResponse<String> send(String method, String path, Object body) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET and parse; fails on any status but 200. */
    public JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/admin" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }
}
