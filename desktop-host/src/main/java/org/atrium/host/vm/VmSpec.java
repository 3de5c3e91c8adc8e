package org.atrium.host.vm;

/**
 * What a VM is created from (the body of {@code PUT /api/v1/vms/{id}}). The boot source is exactly
 * one of {@code firmware} and {@code linux}.
 *
 * @param memoryMiB guest RAM
 * @param firmware the boot firmware ({@code seabios}), or {@code null} for a Linux boot
 * @param linux the name of a Linux guest this host is configured with ({@code atrium.host.linux}),
 *     booted directly from its kernel and initramfs, or {@code null} for a firmware boot
 */
public record VmSpec(int memoryMiB, String firmware, String linux) {
    /** A VM that boots {@code firmware}. */
    public VmSpec(int memoryMiB, String firmware) {
        this(memoryMiB, firmware, null);
    }

    /** A VM that boots the host's Linux guest {@code name}. */
    public static VmSpec linux(int memoryMiB, String name) {
        return new VmSpec(memoryMiB, null, name);
    }

    /** Whether the boot source is one this host knows how to serve at all. */
    public boolean hasSupportedBoot() {
        return (firmware == null) != (linux == null)
                && (linux != null || "seabios".equals(firmware));
    }
}
