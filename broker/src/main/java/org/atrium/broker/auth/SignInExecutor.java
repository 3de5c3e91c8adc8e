package org.atrium.broker.auth;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.atrium.provisioning.identity.IdentityConfig;
import org.atrium.provisioning.identity.PasswordHasher;
import org.jboss.logging.Logger;

/**
 * The threads that check sign-in passwords, as many as cores unless configured. Password hashing is
 * deliberately expensive; on the request worker pool a logon storm ran one hash per waiting request
 * at once, each holding a worker thread and sharing the cores with every other request. Here
 * sign-ins queue for their own few threads, and connects and other calls keep the worker pool (and
 * the database connections) to themselves.
 */
@ApplicationScoped
public class SignInExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SignInExecutor.class);

    private final ExecutorService threads;

    public SignInExecutor(IdentityConfig config) {
        int count =
                config.signInThreads() > 0
                        ? config.signInThreads()
                        : Runtime.getRuntime().availableProcessors();
        var number = new AtomicInteger();
        ThreadFactory factory =
                task -> {
                    var thread = new Thread(task, "sign-in-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                };
        this.threads = Executors.newFixedThreadPool(count, factory);
        if (PasswordHasher.usesJdkCompression()) {
            LOG.infof("checking sign-in passwords on %d threads", count);
        } else {
            LOG.warnf(
                    "checking sign-in passwords on %d threads, hashing at half speed: the JVM"
                            + " does not open java.base/sun.security.provider (see"
                            + " docs/broker.md)",
                    count);
        }
    }

    @Override
    public void execute(Runnable task) {
        threads.execute(task);
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
