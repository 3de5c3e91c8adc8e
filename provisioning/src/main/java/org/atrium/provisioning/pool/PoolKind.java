package org.atrium.provisioning.pool;

/**
 * Whether a desktop is handed back clean after logoff (pooled) or belongs to one user (persistent).
 */
public enum PoolKind {
    POOLED,
    PERSISTENT
}
