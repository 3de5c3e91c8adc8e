package org.atrium.host.token;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids already used, kept until their token expires: a token is good for one connection.
 * Memory is bounded by the token rate times their lifetime (at most 60 s), and a hard cap refuses
 * new tokens rather than forgetting old ones.
 */
public final class JtiRegistry {
    static final int MAX_ENTRIES = 200_000;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    /** Records {@code jti}; false when it was seen before (a replay) or the registry is full. */
    public boolean firstUse(String jti, long expiresAt, long now) {
        if (seen.size() >= MAX_ENTRIES / 2) seen.values().removeIf(exp -> exp < now);
        if (seen.size() >= MAX_ENTRIES) return false;
        return seen.putIfAbsent(jti, expiresAt) == null;
    }
}
