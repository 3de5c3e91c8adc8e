package org.atrium.host.vm;

/**
 * Why a VM's machine ended.
 *
 * @param reason what happened, e.g. {@code TRIPLE_FAULT} or {@code EMULATOR_ERROR: message}
 * @param failure true when the emulator failed rather than the host or the guest ending it
 */
public record VmExit(String reason, boolean failure) {}
