package dev.appauth.keycloak.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjLongConsumer;

/** Test double for Keycloak's REVOKED_TOKEN table: token id to expiry (epoch seconds). */
final class InMemoryRevokedTokenDatabase implements RevokedTokenDatabase {

    final Map<String, Long> expiries = new ConcurrentHashMap<>();
    final AtomicInteger fullReads = new AtomicInteger();

    @Override
    public void revoke(String tokenId, long lifespanSeconds) {
        expiries.merge(tokenId, now() + lifespanSeconds, Math::max);
    }

    @Override
    public void forEachActive(ObjLongConsumer<String> action) {
        fullReads.incrementAndGet();
        long now = now();
        expiries.forEach((id, expiry) -> {
            if (expiry > now) {
                action.accept(id, expiry - now);
            }
        });
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
