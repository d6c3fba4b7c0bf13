package dev.appauth.keycloak.lifecycle;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.dto.RecoveryAuthnCodesCredentialData;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.HmacOTP;
import org.keycloak.models.utils.RecoveryAuthnCodesUtils;
import org.keycloak.utils.CredentialHelper;
import org.keycloak.utils.TotpUtils;
import org.keycloak.util.JsonSerialization;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.email.SecurityNotice;
import dev.appauth.keycloak.token.OpaqueTokens;

/**
 * The account's second factors, on Keycloak's own credential models, so that the admin console lists them and the
 * browser login asks for them: OTP credentials under the realm's OTP policy (enrolled in two steps, confirmed by a
 * first code) and Keycloak's recovery-codes credential (12 codes, used in order). Changes mail the owner
 * ({@link SecurityNotice}); removing the last OTP credential removes the recovery codes too, as a set of codes
 * without a factor would be a password nobody chose.
 */
public final class SecondFactors {

    public static final int ENROLLMENT_SECONDS = 600;
    private static final int ENROLLMENT_ATTEMPTS = 5;
    private static final String DEFAULT_LABEL = "Authenticator app";

    public record Factor(String id, String type, String label, long createdAt) {
    }

    public record RecoveryCodes(int remaining, int total) {
    }

    /** A started enrollment: the secret as a QR code and in text, valid for {@value #ENROLLMENT_SECONDS} s. */
    public record Enrollment(String token, String secret, String otpauthUri, String qrCodePng, OTPPolicy policy) {
    }

    /** A confirmed factor, and the recovery codes created with it (empty when the account had codes already). */
    public record Enrolled(Factor factor, List<String> recoveryCodes) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final OpaqueTokens enrollments;

    public SecondFactors(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.enrollments = new OpaqueTokens(session.singleUseObjects(), "totp-enrollment");
    }

    public List<Factor> list(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).map(SecondFactors::factor).toList();
    }

    public Optional<RecoveryCodes> recoveryCodes(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(RecoveryAuthnCodesCredentialModel.TYPE).findFirst()
                .map(credential -> {
                    try {
                        RecoveryAuthnCodesCredentialData data = JsonSerialization.readValue(credential.getCredentialData(),
                                RecoveryAuthnCodesCredentialData.class);
                        return new RecoveryCodes(data.getRemainingCodes(), data.getTotalCodes());
                    } catch (IOException e) {
                        throw new IllegalStateException("Unreadable recovery-codes credential", e);
                    }
                });
    }

    /** Step 1: a new secret, kept in the single-use store for this user until it is confirmed. */
    public Enrollment startTotp(UserModel user, String label) {
        String secret = HmacOTP.generateSecret(20);
        String token = enrollments.mint(ENROLLMENT_SECONDS, enrollment(user.getId(), secret, label, 0));
        return new Enrollment(token, Base32.encode(secret.getBytes()), realm.getOTPPolicy().getKeyURI(realm, user, secret),
                TotpUtils.qrCode(session, secret, realm, user), realm.getOTPPolicy());
    }

    /**
     * Step 2: a first code from the app proves it holds the secret; then the OTP credential exists (and, for the
     * account's first factor, a set of recovery codes). A wrong code keeps the enrollment for another try, at most
     * {@value #ENROLLMENT_ATTEMPTS} in all.
     */
    public Enrolled confirmTotp(UserModel user, UserSessionModel callerSession, String clientId, String token, String code) {
        EventBuilder event = Events.of(session, EventType.UPDATE_CREDENTIAL).user(user).session(callerSession).client(clientId)
                .detail(Details.CREDENTIAL_TYPE, OTPCredentialModel.TYPE);
        Map<String, String> pending = enrollments.peek(token);
        if (pending == null || !user.getId().equals(pending.get("user"))) {
            event.error(Errors.INVALID_TOKEN);
            throw new AuthException(AuthError.INVALID_REQUEST, "The enrollment is unknown, expired or already confirmed; start it again",
                    Map.of("enrollment_token", List.of("is invalid or expired")));
        }
        String secret = pending.get("secret");
        String label = pending.get("label");
        OTPCredentialModel model = OTPCredentialModel.createFromPolicy(realm, secret, label);
        if (!CredentialHelper.createOTPCredential(session, realm, user, code.trim(), model)) {
            int attempts = Integer.parseInt(pending.get("attempts")) + 1;
            if (attempts >= ENROLLMENT_ATTEMPTS) {
                enrollments.spend(token);
            } else {
                enrollments.replace(token, enrollment(user.getId(), secret, label, attempts));
            }
            event.error(Errors.INVALID_USER_CREDENTIALS);
            // the credential created for the check must not stay
            throw new AuthException(AuthError.INVALID_MFA_CODE, "The code is not correct")
                    .withDetail("attempts_remaining", ENROLLMENT_ATTEMPTS - attempts).rollingBack();
        }
        if (enrollments.spend(token) == null) {
            // a parallel confirmation of the same enrollment won
            throw new AuthException(AuthError.INVALID_REQUEST, "The enrollment was already confirmed",
                    Map.of("enrollment_token", List.of("is invalid or expired"))).rollingBack();
        }
        List<String> codes = recoveryCodes(user).isPresent() ? List.of() : newRecoveryCodes(user);
        CredentialModel created = user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .filter(credential -> secret.equals(OTPCredentialModel.createFromCredentialModel(credential).getOTPSecretData().getValue()))
                .findFirst().orElseThrow(() -> new IllegalStateException("OTP credential not found after creation"));
        SecurityNotice.MFA_ADDED.queue(session, user);
        event.detail(Details.CREDENTIAL_ID, created.getId()).detail(Details.CREDENTIAL_USER_LABEL, label).success();
        return new Enrolled(factor(created), codes);
    }

    /** Removes one OTP credential of the user; false if the user has none with this id. */
    public boolean remove(UserModel user, UserSessionModel callerSession, String clientId, String credentialId) {
        CredentialModel credential = user.credentialManager().getStoredCredentialById(credentialId);
        if (credential == null || !OTPCredentialModel.TYPE.equals(credential.getType())) {
            return false;
        }
        user.credentialManager().removeStoredCredentialById(credentialId);
        if (list(user).isEmpty()) {
            user.credentialManager().getStoredCredentialsByTypeStream(RecoveryAuthnCodesCredentialModel.TYPE).toList()
                    .forEach(codes -> user.credentialManager().removeStoredCredentialById(codes.getId()));
        }
        SecurityNotice.MFA_REMOVED.queue(session, user);
        Events.of(session, EventType.REMOVE_CREDENTIAL).user(user).session(callerSession).client(clientId)
                .detail(Details.CREDENTIAL_TYPE, OTPCredentialModel.TYPE).detail(Details.CREDENTIAL_ID, credentialId).success();
        return true;
    }

    /** A new set of recovery codes in place of the old one; only for an account with a factor. */
    public List<String> regenerateRecoveryCodes(UserModel user, UserSessionModel callerSession, String clientId) {
        if (list(user).isEmpty()) {
            throw new AuthException(AuthError.MFA_NOT_ENROLLED, "Recovery codes need a second factor; enroll one first");
        }
        List<String> codes = newRecoveryCodes(user);
        SecurityNotice.RECOVERY_CODES_REGENERATED.queue(session, user);
        Events.of(session, EventType.UPDATE_CREDENTIAL).user(user).session(callerSession).client(clientId)
                .detail(Details.CREDENTIAL_TYPE, RecoveryAuthnCodesCredentialModel.TYPE).success();
        return codes;
    }

    private List<String> newRecoveryCodes(UserModel user) {
        List<String> codes = RecoveryAuthnCodesUtils.generateRawCodes();
        CredentialHelper.createRecoveryCodesCredential(session, realm, user,
                RecoveryAuthnCodesCredentialModel.createFromValues(codes, Time.currentTimeMillis(), null), codes);
        return codes;
    }

    private static Map<String, String> enrollment(String userId, String secret, String label, int attempts) {
        return Map.of("user", userId, "secret", secret, "label", label == null ? DEFAULT_LABEL : label,
                "attempts", Integer.toString(attempts));
    }

    private static Factor factor(CredentialModel credential) {
        String subType = OTPCredentialModel.createFromCredentialModel(credential).getOTPCredentialData().getSubType();
        return new Factor(credential.getId(), subType, credential.getUserLabel(),
                credential.getCreatedDate() == null ? 0 : credential.getCreatedDate());
    }
}
