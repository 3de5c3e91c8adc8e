package org.atrium.broker.admin;

import java.util.UUID;
import org.atrium.provisioning.pool.Pool;
import org.atrium.provisioning.pool.PoolKind;

/** A pool definition as its tenant's admin sees and edits it. */
public record AdminPoolView(
        UUID id,
        String name,
        PoolKind kind,
        int size,
        int warmBuffer,
        int memoryMiB,
        String bootSource,
        String entitledGroup) {
    static AdminPoolView of(Pool pool) {
        return new AdminPoolView(
                pool.id,
                pool.name,
                pool.kind,
                pool.size,
                pool.warmBuffer,
                pool.memoryMiB,
                pool.bootSource,
                pool.entitledGroup);
    }
}
