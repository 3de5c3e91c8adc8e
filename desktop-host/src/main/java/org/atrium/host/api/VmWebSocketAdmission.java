package org.atrium.host.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.atrium.host.rfb.RfbSessionOptions;
import org.atrium.host.rfb.WebSocketAdmission;
import org.atrium.host.token.ConnectionTokenVerifier;
import org.atrium.host.token.TokenRejectedException;
import org.atrium.host.vm.VmSupervisor;

/**
 * Admits {@code GET /ws/vms/{id}?token=...} when the connection token is valid for that VM and this
 * host; the token is checked before the VM is looked up, so unknown ids reveal nothing. RFB itself
 * then runs with security type None: the token was the authentication.
 */
public final class VmWebSocketAdmission implements WebSocketAdmission {
    private static final System.Logger LOG = System.getLogger(VmWebSocketAdmission.class.getName());
    private static final Pattern PATH = Pattern.compile("/ws/vms/([^/]+)");

    private final ConnectionTokenVerifier verifier;
    private final VmSupervisor supervisor;

    public VmWebSocketAdmission(ConnectionTokenVerifier verifier, VmSupervisor supervisor) {
        this.verifier = verifier;
        this.supervisor = supervisor;
    }

    @Override
    public CompletionStage<Decision> admit(String path, Map<String, List<String>> query) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) return done(new Refused(404, "no such endpoint"));
        String id = m.group(1);
        List<String> tokens = query.getOrDefault("token", List.of());
        if (tokens.size() != 1) return done(new Refused(401, "one token parameter is required"));
        return verifier.verify(tokens.get(0), id)
                .<Decision>thenApply(
                        claims ->
                                supervisor
                                        .find(id)
                                        .<Decision>map(
                                                vm ->
                                                        new Admitted(
                                                                vm.rfbTarget(),
                                                                RfbSessionOptions.open()))
                                        .orElse(new Refused(404, "no VM " + id + " on this host")))
                .exceptionally(
                        e -> {
                            Throwable cause = e.getCause() != null ? e.getCause() : e;
                            if (cause instanceof TokenRejectedException) {
                                LOG.log(
                                        System.Logger.Level.INFO,
                                        "token refused for VM {0}: {1}",
                                        id,
                                        cause.getMessage());
                                return new Refused(
                                        401, "connection token refused: " + cause.getMessage());
                            }
                            LOG.log(
                                    System.Logger.Level.WARNING,
                                    "token check failed for VM {0}: {1}",
                                    id,
                                    cause.toString());
                            return new Refused(503, "connection token could not be checked");
                        });
    }

    private static CompletionStage<Decision> done(Decision d) {
        return CompletableFuture.completedFuture(d);
    }
}
