package org.atrium.broker.pool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Set;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.provisioning.pool.PoolService;

/** The portal's view of pools: the definitions the caller is entitled to, with free desktops. */
@ApplicationScoped
public class PoolCatalogService {
    private final PoolService pools;
    private final DesktopRepository desktops;

    public PoolCatalogService(PoolService pools, DesktopRepository desktops) {
        this.pools = pools;
        this.desktops = desktops;
    }

    @Transactional
    public List<PoolView> entitled(Caller caller) {
        return pools.entitled(caller.tenantId(), caller.groups()).stream()
                .map(
                        pool ->
                                new PoolView(
                                        pool.id,
                                        pool.name,
                                        pool.kind,
                                        pool.memoryMiB,
                                        desktops.countInTenantPool(
                                                caller.tenantId(),
                                                pool.id,
                                                Set.of(DesktopState.READY))))
                .toList();
    }
}
