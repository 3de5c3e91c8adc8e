package org.atrium.provisioning.identity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PBKDF2 (RFC 8018 §5.2) with HMAC-SHA512 (RFC 2104, FIPS 180-4 §6.4) for one 64-byte output block,
 * the only length {@link PasswordHasher} stores. It gives the same bytes as the JDK's {@code
 * PBKDF2WithHmacSHA512} (password encoded as UTF-8, as the JDK does) at about half the
 * compressions: the JDK's HMAC hashes the key's inner and outer pad blocks again on every
 * iteration, four SHA-512 compressions per iteration; here the two pad blocks are compressed once
 * and every iteration starts from copies of those states, two compressions per iteration. Each
 * iteration's message (the previous 64-byte digest and the fixed padding of a 192-byte message)
 * fills exactly one block. The compression itself is the JDK's intrinsic where {@link
 * JdkSha512Compression} reaches it (twice as fast as in Java), else the Java one below.
 *
 * <p>Leaves out: output lengths other than 64 bytes (more blocks of T).
 */
final class Pbkdf2HmacSha512 {
    private static final int BLOCK_BYTES = 128;
    private static final int DIGEST_WORDS = 8;
    private static final VarHandle WORDS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** FIPS 180-4 §4.2.3: the first 64 bits of the cube roots of the first 80 primes. */
    private static final long[] K = {
        0x428a2f98d728ae22L, 0x7137449123ef65cdL, 0xb5c0fbcfec4d3b2fL, 0xe9b5dba58189dbbcL,
        0x3956c25bf348b538L, 0x59f111f1b605d019L, 0x923f82a4af194f9bL, 0xab1c5ed5da6d8118L,
        0xd807aa98a3030242L, 0x12835b0145706fbeL, 0x243185be4ee4b28cL, 0x550c7dc3d5ffb4e2L,
        0x72be5d74f27b896fL, 0x80deb1fe3b1696b1L, 0x9bdc06a725c71235L, 0xc19bf174cf692694L,
        0xe49b69c19ef14ad2L, 0xefbe4786384f25e3L, 0x0fc19dc68b8cd5b5L, 0x240ca1cc77ac9c65L,
        0x2de92c6f592b0275L, 0x4a7484aa6ea6e483L, 0x5cb0a9dcbd41fbd4L, 0x76f988da831153b5L,
        0x983e5152ee66dfabL, 0xa831c66d2db43210L, 0xb00327c898fb213fL, 0xbf597fc7beef0ee4L,
        0xc6e00bf33da88fc2L, 0xd5a79147930aa725L, 0x06ca6351e003826fL, 0x142929670a0e6e70L,
        0x27b70a8546d22ffcL, 0x2e1b21385c26c926L, 0x4d2c6dfc5ac42aedL, 0x53380d139d95b3dfL,
        0x650a73548baf63deL, 0x766a0abb3c77b2a8L, 0x81c2c92e47edaee6L, 0x92722c851482353bL,
        0xa2bfe8a14cf10364L, 0xa81a664bbc423001L, 0xc24b8b70d0f89791L, 0xc76c51a30654be30L,
        0xd192e819d6ef5218L, 0xd69906245565a910L, 0xf40e35855771202aL, 0x106aa07032bbd1b8L,
        0x19a4c116b8d2d0c8L, 0x1e376c085141ab53L, 0x2748774cdf8eeb99L, 0x34b0bcb5e19b48a8L,
        0x391c0cb3c5c95a63L, 0x4ed8aa4ae3418acbL, 0x5b9cca4f7763e373L, 0x682e6ff3d6b2b8a3L,
        0x748f82ee5defb2fcL, 0x78a5636f43172f60L, 0x84c87814a1f0ab72L, 0x8cc702081a6439ecL,
        0x90befffa23631e28L, 0xa4506cebde82bde9L, 0xbef9a3f7b2c67915L, 0xc67178f2e372532bL,
        0xca273eceea26619cL, 0xd186b8c721c0c207L, 0xeada7dd6cde0eb1eL, 0xf57d4f7fee6ed178L,
        0x06f067aa72176fbaL, 0x0a637dc5a2c898a6L, 0x113f9804bef90daeL, 0x1b710b35131c471bL,
        0x28db77f523047d84L, 0x32caab7b40c72493L, 0x3c9ebe0a15c9bebcL, 0x431d67c49c100d4cL,
        0x4cc5d4becb3e42b6L, 0x597f299cfc657e2aL, 0x5fcb6fab3ad6faecL, 0x6c44198c4a475817L
    };

    /** FIPS 180-4 §5.3.5: the initial hash value. */
    private static final long[] INITIAL = {
        0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
        0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L
    };

    /** The bit length of a pad block plus a 64-byte digest, the length every iteration hashes. */
    private static final long PAD_AND_DIGEST_BITS = (BLOCK_BYTES + 64) * 8L;

    private Pbkdf2HmacSha512() {}

    /** The 64-byte derived key; the password's UTF-8 bytes are the HMAC key. */
    static byte[] derive(char[] password, byte[] salt, int iterations) {
        return derive(password, salt, iterations, JdkSha512Compression.AVAILABLE);
    }

    /** As above, iterating with the JDK's compression or ours (the tests compare both). */
    static byte[] derive(char[] password, byte[] salt, int iterations, boolean jdkCompression) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        byte[] key = utf8(password);
        try {
            if (key.length > BLOCK_BYTES) {
                byte[] hashed = toBytes(sha512(INITIAL, 0, key));
                Arrays.fill(key, (byte) 0);
                key = hashed;
            }
            long[] inner = padState(key, (byte) 0x36);
            long[] outer = padState(key, (byte) 0x5c);
            // U1 = HMAC(P, S || INT(1)); the salt has any length, so this one goes the long way.
            byte[] first = Arrays.copyOf(salt, salt.length + 4);
            first[salt.length + 3] = 1;
            long[] w = new long[80];
            long[] u = sha512(inner, BLOCK_BYTES, first);
            u = oneBlock(outer, u, w);
            long[] t = u.clone();
            if (jdkCompression) {
                iterateWithJdkCompression(inner, outer, u, t, iterations);
            } else {
                iterate(inner, outer, u, t, w, iterations);
            }
            return toBytes(t);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** U2..Uc, XORed into {@code t}, compressing in Java. */
    private static void iterate(
            long[] inner, long[] outer, long[] u, long[] t, long[] w, int iterations) {
        long[] innerDigest = new long[DIGEST_WORDS];
        for (int i = 2; i <= iterations; i++) {
            System.arraycopy(inner, 0, innerDigest, 0, DIGEST_WORDS);
            digestOfDigest(innerDigest, u, w);
            System.arraycopy(outer, 0, u, 0, DIGEST_WORDS);
            digestOfDigest(u, innerDigest, w);
            for (int j = 0; j < DIGEST_WORDS; j++) {
                t[j] ^= u[j];
            }
        }
        Arrays.fill(innerDigest, 0);
    }

    /**
     * U2..Uc, XORed into {@code t}, with the JDK's compression: the block holds the previous digest
     * in its first 64 bytes and the fixed padding in the rest, which never changes.
     */
    private static void iterateWithJdkCompression(
            long[] inner, long[] outer, long[] u, long[] t, int iterations) {
        var jdk = new JdkSha512Compression();
        long[] state = jdk.state;
        byte[] block = new byte[BLOCK_BYTES];
        WORDS.set(block, 64, 0x8000000000000000L);
        WORDS.set(block, BLOCK_BYTES - 8, PAD_AND_DIGEST_BITS);
        for (int i = 2; i <= iterations; i++) {
            for (int j = 0; j < DIGEST_WORDS; j++) {
                WORDS.set(block, j * 8, u[j]);
            }
            System.arraycopy(inner, 0, state, 0, DIGEST_WORDS);
            jdk.compress(block);
            for (int j = 0; j < DIGEST_WORDS; j++) {
                WORDS.set(block, j * 8, state[j]);
            }
            System.arraycopy(outer, 0, state, 0, DIGEST_WORDS);
            jdk.compress(block);
            for (int j = 0; j < DIGEST_WORDS; j++) {
                u[j] = state[j];
                t[j] ^= u[j];
            }
        }
        Arrays.fill(block, (byte) 0);
        Arrays.fill(state, 0);
    }

    private static byte[] utf8(char[] password) {
        // As the JDK's PBKDF2 encodes it: unpaired surrogates become '?'.
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /** The state after compressing the key padded to a block and XORed with the pad byte. */
    private static long[] padState(byte[] key, byte pad) {
        byte[] block = new byte[BLOCK_BYTES];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            block[i] = (byte) ((i < key.length ? key[i] : 0) ^ pad);
        }
        long[] state = INITIAL.clone();
        long[] w = new long[80];
        for (int i = 0; i < 16; i++) {
            w[i] = word(block, i * 8);
        }
        compress(state, w);
        Arrays.fill(block, (byte) 0);
        Arrays.fill(w, 0);
        return state;
    }

    /** A fresh copy of {@code state} after hashing {@code digest} as the last 64 message bytes. */
    private static long[] oneBlock(long[] state, long[] digest, long[] w) {
        long[] out = state.clone();
        digestOfDigest(out, digest, w);
        return out;
    }

    /**
     * Finishes a hash whose first block is already in {@code state} with the 64-byte {@code digest}
     * as the rest of the message: one block, its padding fixed (FIPS 180-4 §5.1.2).
     */
    private static void digestOfDigest(long[] state, long[] digest, long[] w) {
        System.arraycopy(digest, 0, w, 0, DIGEST_WORDS);
        w[8] = 0x8000000000000000L;
        for (int i = 9; i < 15; i++) {
            w[i] = 0;
        }
        w[15] = PAD_AND_DIGEST_BITS;
        compress(state, w);
    }

    /** SHA-512 of {@code message}, continuing from {@code state} after {@code prefixBytes}. */
    private static long[] sha512(long[] state, int prefixBytes, byte[] message) {
        long[] out = state.clone();
        int padded = (message.length + 17 + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
        byte[] buffer = Arrays.copyOf(message, padded);
        buffer[message.length] = (byte) 0x80;
        long bits = ((long) prefixBytes + message.length) * 8;
        for (int i = 0; i < 8; i++) {
            buffer[padded - 1 - i] = (byte) (bits >>> (8 * i));
        }
        long[] w = new long[80];
        for (int block = 0; block < padded; block += BLOCK_BYTES) {
            for (int i = 0; i < 16; i++) {
                w[i] = word(buffer, block + i * 8);
            }
            compress(out, w);
        }
        Arrays.fill(buffer, (byte) 0);
        return out;
    }

    /**
     * FIPS 180-4 §6.4.2: one compression of the 16 words in {@code w[0..15]} into {@code h};
     * overwrites {@code w[16..79]} with the message schedule.
     */
    private static void compress(long[] h, long[] w) {
        for (int t = 16; t < 80; t++) {
            long x = w[t - 2];
            long y = w[t - 15];
            long s1 = Long.rotateRight(x, 19) ^ Long.rotateRight(x, 61) ^ (x >>> 6);
            long s0 = Long.rotateRight(y, 1) ^ Long.rotateRight(y, 8) ^ (y >>> 7);
            w[t] = s1 + w[t - 7] + s0 + w[t - 16];
        }
        long a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
        for (int t = 0; t < 80; t++) {
            long t1 =
                    k
                            + (Long.rotateRight(e, 14)
                                    ^ Long.rotateRight(e, 18)
                                    ^ Long.rotateRight(e, 41))
                            + ((e & f) ^ (~e & g))
                            + K[t]
                            + w[t];
            long t2 =
                    (Long.rotateRight(a, 28) ^ Long.rotateRight(a, 34) ^ Long.rotateRight(a, 39))
                            + ((a & b) ^ (a & c) ^ (b & c));
            k = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += k;
    }

    private static long word(byte[] bytes, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[offset + i] & 0xff);
        }
        return v;
    }

    private static byte[] toBytes(long[] words) {
        byte[] out = new byte[words.length * 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (words[i / 8] >>> (56 - 8 * (i % 8)));
        }
        return out;
    }
}
