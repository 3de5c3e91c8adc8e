import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.atrium.provisioning.identity.PasswordHasher;

/**
 * CPU time of one password check at the broker's default work factor (PBKDF2-HMAC-SHA512, 210,000
 * iterations): Atrium's PasswordHasher against its peer, the JDK's PBKDF2WithHmacSHA512, which
 * made every stored hash before. Both check the same stored hash. CPU time of the measuring
 * thread, so other processes on the machine inflate it less than wall time.
 *
 * <p>Usage: java [--add-opens java.base/sun.security.provider=ALL-UNNAMED] -cp
 * provisioning/target/classes PasswordHashing.java [ROUNDS]
 */
public class PasswordHashing {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String password = "correct horse battery staple";
        var hasher = new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS);
        String stored = hasher.hash(password);
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        var cpu = ManagementFactory.getThreadMXBean();
        long[] atrium = new long[rounds];
        long[] jdk = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            if (!hasher.matches(password, stored)) {
                throw new IllegalStateException("PasswordHasher refused its own hash");
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            byte[] derived =
                    SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                            .generateSecret(
                                    new PBEKeySpec(
                                            password.toCharArray(),
                                            salt,
                                            PasswordHasher.DEFAULT_ITERATIONS,
                                            512))
                            .getEncoded();
            long t2 = cpu.getCurrentThreadCpuTime();
            if (!Arrays.equals(expected, derived)) {
                throw new IllegalStateException("the JDK derives another hash");
            }
            atrium[i] = t1 - t0;
            jdk[i] = t2 - t1;
        }
        System.out.printf(
                "PBKDF2-HMAC-SHA512, %d iterations, %d rounds (the first %d are warm-up)%n",
                PasswordHasher.DEFAULT_ITERATIONS, rounds, rounds / 3);
        System.out.printf(
                "Atrium PasswordHasher (%s): median %.1f ms CPU%n",
                PasswordHasher.usesJdkCompression()
                        ? "JDK SHA-512 compression"
                        : "Java compression, JDK SHA-512 not opened",
                median(atrium, rounds / 3));
        System.out.printf(
                "peer, JDK PBKDF2WithHmacSHA512: median %.1f ms CPU%n", median(jdk, rounds / 3));
    }

    static double median(long[] nanos, int skip) {
        long[] kept = Arrays.copyOfRange(nanos, skip, nanos.length);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }
}
