package org.atrium.host.vm;

/** SeaBIOS in a test VM with no bootable disk, or with one it boots. */
final class TestBios {
    private TestBios() {}

    /**
     * Waits (up to a minute) until the BIOS has tried to boot: it found no bootable device or
     * started one, so its POST, and the VM's state of interest, are done.
     */
    static void waitForBootAttempt(Vm vm) throws InterruptedException {
        PcMachineVm machine = (PcMachineVm) vm.machine();
        for (int i = 0; i < 600; i++) {
            String log = machine.machine().debugConsoleText();
            if (log.contains("No bootable device") || log.contains("Booting from")) return;
            Thread.sleep(100);
        }
        throw new AssertionError("SeaBIOS did not finish: " + machine.machine().debugConsoleText());
    }
}
