package org.atrium.host.api;

/**
 * Body of {@code PUT /api/v1/vms/{id}}: {@code {"memoryMiB": 32, "boot": {"firmware": "seabios"}}}
 * or {@code {"memoryMiB": 128, "boot": {"linux": "debian-i386"}}}.
 */
public record CreateVmRequest(Integer memoryMiB, Boot boot) {
    /** Exactly one of the two: a firmware to boot, or the name of the host's Linux guest. */
    public record Boot(String firmware, String linux) {}
}
