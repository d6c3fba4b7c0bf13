package dev.appauth.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The repository's docker-compose.yml, parsed. */
final class ComposeFile {

    static final Path REPO_ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    private final JsonNode root;

    private ComposeFile(JsonNode root) {
        this.root = root;
    }

    static ComposeFile read() {
        try {
            return new ComposeFile(new ObjectMapper(new YAMLFactory()).readTree(REPO_ROOT.resolve("docker-compose.yml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode services() {
        return root.path("services");
    }

    JsonNode service(String name) {
        return services().path(name);
    }

    String image(String service) {
        return service(service).path("image").asText();
    }

    /**
     * A service's environment with {@code ${VAR:?message}} / {@code ${VAR:-default}} resolved from {@code vars}
     * (compose's own rules: a required variable that is missing fails).
     */
    Map<String, String> environment(String service, Map<String, String> vars) {
        Map<String, String> env = new LinkedHashMap<>();
        service(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), resolve(e.getValue().asText(), vars)));
        return env;
    }

    static String resolve(String value, Map<String, String> vars) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)(?::([?-])([^}]*))?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String given = vars.get(name);
            String replacement;
            if (given != null && !given.isEmpty()) {
                replacement = given;
            } else if ("?".equals(m.group(2))) {
                throw new IllegalArgumentException("compose requires " + name + ": " + m.group(3));
            } else {
                replacement = m.group(3) == null ? "" : m.group(3);
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
