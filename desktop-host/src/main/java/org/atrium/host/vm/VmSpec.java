package org.atrium.host.vm;

/**
 * What a VM is created from (the body of {@code PUT /api/v1/vms/{id}}).
 *
 * @param memoryMiB guest RAM
 * @param firmware the boot firmware; only {@code seabios} for now
 */
public record VmSpec(int memoryMiB, String firmware) {}
