package org.atrium.broker.pool;

import java.util.UUID;
import org.atrium.provisioning.pool.PoolKind;

/** A pool as a user sees it in the portal; {@code ready} is how many desktops wait free. */
public record PoolView(UUID id, String name, PoolKind kind, int memoryMiB, long ready) {}
