package dev.appauth.keycloak.token;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the two links of an email change share: the address the account had ({@code eml}, the binding of every
 * account token), the address asked for ({@code nem}) and the id of the pending change ({@code chg}), which the
 * server keeps while the change waits (see EmailChange): a newer request or a cancel ends the older links.
 */
public abstract class EmailChangeToken extends AccountActionToken {

    @JsonProperty("nem")
    private String newEmail;

    @JsonProperty("chg")
    private String changeId;

    protected EmailChangeToken() {
    }

    protected EmailChangeToken(String userId, String tokenType, int absoluteExpirationInSecs, String oldEmail, String newEmail,
                               String changeId, String clientId) {
        super(userId, tokenType, absoluteExpirationInSecs, oldEmail, clientId);
        this.newEmail = newEmail;
        this.changeId = changeId;
    }

    public String getNewEmail() {
        return newEmail;
    }

    public String getChangeId() {
        return changeId;
    }
}
