package org.atrium.host.vm;

/**
 * Why a VM's machine ended.
 *
 * @param reason what happened, e.g. {@code TRIPLE_FAULT} or {@code EMULATOR_ERROR: message}
 * @param failure true when the VM ended other than by power-off or the host stopping it (an
 *     emulator failure, or with --no-reboot a triple fault or guest reset)
 */
public record VmExit(String reason, boolean failure) {}
