package dev.appauth.keycloak.email;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mail intents to and from the outbox's JSON: only the record types registered by a {@link MailKinds}, by kind
 * name, so a row can never make the server instantiate a class of its choosing.
 */
final class MailCodec {

    /** Longest payload the outbox column holds. */
    static final int MAX_PAYLOAD = 4000;

    private final Map<String, Class<? extends MailTask>> byKind;
    private final Map<Class<? extends MailTask>, String> byType = new HashMap<>();
    private final ObjectMapper json = new ObjectMapper()
            // a field added in a later release must not make an older node drop the intent
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    MailCodec(Map<String, Class<? extends MailTask>> kinds) {
        this.byKind = Map.copyOf(kinds);
        kinds.forEach((kind, type) -> {
            if (!type.isRecord()) {
                throw new IllegalArgumentException("Mail kind '" + kind + "' must be a record of ids and strings: " + type.getName());
            }
            if (byType.put(type, kind) != null) {
                throw new IllegalArgumentException("Mail type registered twice: " + type.getName());
            }
        });
    }

    /** The kinds every {@link MailKinds} on the class path registers. */
    static MailCodec load(ClassLoader classLoader) {
        Map<String, Class<? extends MailTask>> kinds = new HashMap<>();
        for (MailKinds registry : ServiceLoader.load(MailKinds.class, classLoader)) {
            registry.kinds().forEach((kind, type) -> {
                if (kinds.putIfAbsent(kind, type) != null) {
                    throw new IllegalArgumentException("Mail kind registered twice: " + kind);
                }
            });
        }
        return new MailCodec(kinds);
    }

    String kindOf(MailTask task) {
        String kind = byType.get(task.getClass());
        if (kind == null) {
            throw new IllegalArgumentException("Not a registered mail kind: " + task.getClass().getName());
        }
        return kind;
    }

    String encode(MailTask task) {
        try {
            String payload = json.writeValueAsString(task);
            if (payload.length() > MAX_PAYLOAD) {
                throw new IllegalArgumentException("Mail intent too large for the outbox: " + payload.length() + " chars");
            }
            return payload;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Mail intent not serialisable: " + task.getClass().getName(), e);
        }
    }

    /** @throws UnknownMailException when the kind is not registered (e.g. a row of a newer release) or the JSON does not fit */
    MailTask decode(String kind, String payload) throws UnknownMailException {
        Class<? extends MailTask> type = byKind.get(kind);
        if (type == null) {
            throw new UnknownMailException("unknown kind");
        }
        try {
            return json.readValue(payload, type);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the payload, which holds an address: keep only the type
            throw new UnknownMailException(e.getClass().getName());
        }
    }

    int size() {
        return byKind.size();
    }

    /** A stored intent this node cannot rebuild; the message names no data. */
    static final class UnknownMailException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownMailException(String message) {
            super(message, null, false, false);
        }
    }
}
