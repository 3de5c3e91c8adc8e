package org.atrium.broker.desktop;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.host.HostClient;
import org.atrium.broker.host.HostRepository;

/** What a user may do to the desktop assigned to them. */
@ApplicationScoped
public class DesktopService {
    private final DesktopRepository desktops;
    private final HostRepository hosts;
    private final HostClient hostClient;

    public DesktopService(DesktopRepository desktops, HostRepository hosts, HostClient hostClient) {
        this.desktops = desktops;
        this.hosts = hosts;
        this.hostClient = hostClient;
    }

    @Transactional
    public List<DesktopView> mine(Caller caller) {
        return desktops.listAssignedTo(caller.tenantId(), caller.userId()).stream()
                .map(DesktopView::of)
                .toList();
    }

    @Transactional
    public List<DesktopView> listInTenant(Caller caller) {
        return desktops.listInTenant(caller.tenantId()).stream().map(DesktopView::of).toList();
    }

    /** Resets the VM (like the reset button); the host call runs outside any transaction. */
    public void reset(Caller caller, UUID desktopId) {
        String controlUrl =
                QuarkusTransaction.requiringNew().call(() -> controlUrlOfOwned(caller, desktopId));
        hostClient.resetVm(controlUrl, desktopId);
    }

    private String controlUrlOfOwned(Caller caller, UUID desktopId) {
        Desktop desktop =
                desktops.findInTenant(caller.tenantId(), desktopId)
                        .filter(d -> d.state == DesktopState.ASSIGNED)
                        .filter(d -> caller.userId().equals(d.assignedUserId))
                        .orElseThrow(
                                () ->
                                        ProblemException.notFound(
                                                "no desktop " + desktopId + " of yours"));
        return hosts.findByIdOptional(desktop.hostName)
                .orElseThrow(() -> ProblemException.unavailable("the desktop's host is gone"))
                .controlUrl;
    }
}
