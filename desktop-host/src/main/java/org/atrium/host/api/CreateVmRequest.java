package org.atrium.host.api;

/**
 * Body of {@code PUT /api/v1/vms/{id}}: {@code {"memoryMiB": 32, "boot": {"firmware": "seabios"}}}.
 */
public record CreateVmRequest(Integer memoryMiB, Boot boot) {
    public record Boot(String firmware) {}
}
