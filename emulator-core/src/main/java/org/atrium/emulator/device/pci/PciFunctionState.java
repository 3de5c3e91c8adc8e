package org.atrium.emulator.device.pci;

/**
 * A PCI function's 256-byte configuration space. On restore only the bits the guest can write are
 * taken from it: identity and other read-only registers stay those of the function restored into.
 */
public record PciFunctionState(byte[] config) {
    public PciFunctionState {
        if (config == null || config.length != 256) {
            throw new IllegalArgumentException("PCI configuration space must be 256 bytes");
        }
        config = config.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }
}
