package org.atrium.provisioning.pool;

/** What an administrator asks for when defining a pool. */
public record PoolDefinition(
        String name,
        PoolKind kind,
        int size,
        int warmBuffer,
        int memoryMiB,
        String bootSource,
        String entitledGroup) {}
