/** A pure-Java x86 PC. Everything above it (host agent, RFB server) sees only the exported API. */
module org.atrium.emulator {
    exports org.atrium.emulator.boot;
    exports org.atrium.emulator.bus;
    exports org.atrium.emulator.cpu;
    exports org.atrium.emulator.device.vga;
    exports org.atrium.emulator.display;
    exports org.atrium.emulator.input;
    exports org.atrium.emulator.machine;
    exports org.atrium.emulator.snapshot;
    exports org.atrium.emulator.storage;
    exports org.atrium.emulator.time;
}
