package org.atrium.host.vm;

/** How a VM's machine starts. Names are resolved by the host, never taken as host paths. */
public sealed interface BootSource {

    /** Power-on through the named firmware; only {@code seabios}. */
    record Firmware(String name) implements BootSource {}

    /**
     * A Linux kernel booted directly; {@code kernel} and {@code initrd} are file names inside the
     * host's image directory ({@code atrium.host.image-dir}).
     */
    record Kernel(String kernel, String initrd, String commandLine) implements BootSource {}

    /**
     * The host's own Linux guest ({@code atrium.host.linux.*}, built by {@code ./atrium guest
     * build}) by name: kernel, initramfs and command line come from the host's configuration.
     */
    record Linux(String name) implements BootSource {}

    /** An instant clone: the machine resumes from the named snapshot of the host's store. */
    record Snapshot(String name) implements BootSource {}
}
