package dev.appauth.keycloak.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.util.JsonSerialization;

/** The claims that bind a token to its account, and that they survive the JSON round trip of a real token. */
class AccountActionTokenTest {

    private static final int EXPIRY = 2_000_000_000;

    @Test
    void verificationTokenIsBoundToUserAndAddress() {
        EmailVerificationActionToken token = new EmailVerificationActionToken("u1", EXPIRY, "ada@example.com", "auth-api");
        assertThat(token.isBoundTo(user("u1", "ada@example.com", true, null))).isTrue();
        assertThat(token.isBoundTo(user("u1", "new@example.com", true, null))).as("address changed").isFalse();
        assertThat(token.isBoundTo(user("u2", "ada@example.com", true, null))).as("other user").isFalse();
        assertThat(token.isBoundTo(user("u1", "ada@example.com", false, null))).as("disabled").isFalse();
        assertThat(token.isBoundTo(null)).isFalse();
    }

    @Test
    void resetTokenDiesWhenThePasswordChanges() {
        CredentialModel password = password("cred-1", 1_700_000_000_000L);
        UserModel user = user("u1", "ada@example.com", true, password);
        PasswordResetActionToken token = new PasswordResetActionToken("u1", EXPIRY, "ada@example.com", "auth-api",
                PasswordFingerprint.of(user));
        assertThat(token.isBoundTo(user)).isTrue();

        // Keycloak keeps the credential id on a password change but sets a new creation time
        CredentialModel changed = password("cred-1", 1_700_000_000_001L);
        assertThat(token.isBoundTo(user("u1", "ada@example.com", true, changed))).isFalse();
        assertThat(token.isBoundTo(user("u1", "ada@example.com", true, null))).as("password removed").isFalse();
    }

    @Test
    void fingerprintIsStableOpaqueAndChangesWithTheCredential() {
        String a = PasswordFingerprint.of("cred-1", 1L);
        assertThat(PasswordFingerprint.of("cred-1", 1L)).isEqualTo(a);
        assertThat(PasswordFingerprint.of("cred-1", 2L)).isNotEqualTo(a);
        assertThat(PasswordFingerprint.of("cred-2", 1L)).isNotEqualTo(a);
        assertThat(PasswordFingerprint.of(null, null)).isNotEqualTo(a);
        assertThat(a).doesNotContain("cred").matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void claimsSurviveSerialisationAndTheKindsStayApart() throws Exception {
        PasswordResetActionToken reset = new PasswordResetActionToken("u1", EXPIRY, "ada@example.com", "auth-api", "fp");
        String json = JsonSerialization.writeValueAsString(reset);
        assertThat(json).contains("\"typ\":\"app-auth-reset-password\"").contains("\"eml\":\"ada@example.com\"")
                .contains("\"pwd\":\"fp\"").contains("\"nonce\"").contains("\"azp\":\"auth-api\"");

        PasswordResetActionToken read = JsonSerialization.readValue(json, PasswordResetActionToken.class);
        assertThat(read.getUserId()).isEqualTo("u1");
        assertThat(read.getEmail()).isEqualTo("ada@example.com");
        assertThat(read.getPasswordFingerprint()).isEqualTo("fp");
        assertThat(read.getActionVerificationNonce()).isEqualTo(reset.getActionVerificationNonce());
        assertThat(read.serializeKey()).isEqualTo(reset.serializeKey());

        EmailVerificationActionToken verify = new EmailVerificationActionToken("u1", EXPIRY, "ada@example.com", "auth-api");
        assertThat(verify.getActionId()).isEqualTo(ActionTokenKind.VERIFY_EMAIL.tokenType())
                .isNotEqualTo(ActionTokenKind.RESET_PASSWORD.tokenType());
        assertThat(verify.getActionVerificationNonce()).isNotEqualTo(reset.getActionVerificationNonce());
    }

    @Test
    void lifespansFollowTheConsolesOverrides() {
        assertThat(ActionTokenKind.RESET_PASSWORD.lifespanType()).isEqualTo("reset-credentials");
        assertThat(ActionTokenKind.VERIFY_EMAIL.lifespanType()).isEqualTo("verify-email");
    }

    private static CredentialModel password(String id, long createdDate) {
        CredentialModel credential = new CredentialModel();
        credential.setId(id);
        credential.setType(PasswordCredentialModel.TYPE);
        credential.setCreatedDate(createdDate);
        return credential;
    }

    private static UserModel user(String id, String email, boolean enabled, CredentialModel password) {
        SubjectCredentialManager credentials = (SubjectCredentialManager) Proxy.newProxyInstance(
                SubjectCredentialManager.class.getClassLoader(), new Class<?>[] { SubjectCredentialManager.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getStoredCredentialsByTypeStream")) {
                        return PasswordCredentialModel.TYPE.equals(args[0]) && password != null ? Stream.of(password) : Stream.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (UserModel) Proxy.newProxyInstance(UserModel.class.getClassLoader(), new Class<?>[] { UserModel.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> id;
                    case "getEmail" -> email;
                    case "isEnabled" -> enabled;
                    case "credentialManager" -> credentials;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
