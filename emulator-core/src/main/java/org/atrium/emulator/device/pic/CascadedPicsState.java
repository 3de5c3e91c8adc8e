package org.atrium.emulator.device.pic;

/** Both 8259As of the PC/AT pair. */
public record CascadedPicsState(I8259State master, I8259State slave) {
    public CascadedPicsState {
        java.util.Objects.requireNonNull(master, "master");
        java.util.Objects.requireNonNull(slave, "slave");
    }
}
