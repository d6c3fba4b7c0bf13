package dev.appauth.launcher;

/** How Keycloak reaches its database. */
record Database(String jdbcUrl, String username, String password) {

    @Override
    public String toString() {
        return "Database[" + jdbcUrl + ", user " + username + "]";
    }
}
