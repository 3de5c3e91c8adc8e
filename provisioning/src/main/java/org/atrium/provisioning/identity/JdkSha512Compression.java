package org.atrium.provisioning.identity;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's own SHA-512 block compression ({@code sun.security.provider.SHA5#implCompress}, which
 * HotSpot replaces with its SHA-512 intrinsic, about twice as fast as the same compression written
 * in Java), driven with a state we set ourselves. The JDK's public {@code MessageDigest} cannot
 * start from a saved state, which is what {@link Pbkdf2HmacSha512} needs on every iteration.
 *
 * <p>The package is internal: it is reachable only when the JVM opens it to us, with {@code
 * --add-opens java.base/sun.security.provider=ALL-UNNAMED} (the broker's launchers and the test
 * JVMs pass it; Quarkus writes the jar manifest's {@code Add-Opens} itself, so it cannot go there).
 * Where it is not opened (or a JDK changed it), {@link #AVAILABLE} is false and the caller
 * compresses in Java.
 */
final class JdkSha512Compression {
    private static final MethodHandle NEW_ENGINE;
    private static final MethodHandle COMPRESS;
    private static final MethodHandle STATE;

    /** Whether the JDK's compression can be used in this JVM. */
    static final boolean AVAILABLE;

    static {
        MethodHandle create = null;
        MethodHandle compress = null;
        MethodHandle state = null;
        try {
            Class<?> base = Class.forName("sun.security.provider.SHA5");
            Class<?> sha512 = Class.forName("sun.security.provider.SHA5$SHA512");
            var lookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
            create =
                    MethodHandles.privateLookupIn(sha512, MethodHandles.lookup())
                            .findConstructor(sha512, MethodType.methodType(void.class))
                            .asType(MethodType.methodType(Object.class));
            compress =
                    lookup.findVirtual(
                                    base,
                                    "implCompress",
                                    MethodType.methodType(void.class, byte[].class, int.class))
                            .asType(
                                    MethodType.methodType(
                                            void.class, Object.class, byte[].class, int.class));
            state =
                    lookup.findGetter(base, "state", long[].class)
                            .asType(MethodType.methodType(long[].class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not opened to us (IllegalAccessException) or changed in this JDK: compress in Java.
            create = null;
        }
        AVAILABLE = create != null;
        NEW_ENGINE = create;
        COMPRESS = compress;
        STATE = state;
    }

    private final Object engine;

    /** The engine's chaining state: set it before {@link #compress}, read the result after. */
    final long[] state;

    JdkSha512Compression() {
        if (!AVAILABLE) {
            throw new IllegalStateException("the JDK's SHA-512 compression is not reachable");
        }
        try {
            engine = (Object) NEW_ENGINE.invokeExact();
            state = (long[]) STATE.invokeExact(engine);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot set up the JDK's SHA-512 compression", e);
        }
    }

    /** Compresses the 128-byte block into {@link #state} (FIPS 180-4 §6.4.2). */
    void compress(byte[] block) {
        try {
            COMPRESS.invokeExact(engine, block, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's SHA-512 compression failed", e);
        }
    }
}
