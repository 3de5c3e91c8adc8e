package org.atrium.host.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.storage.ImageFormat;

/**
 * The flags of {@code ./atrium vm}, parsed and checked. Flags of later sessions (CPU mode) are
 * refused by name rather than ignored.
 *
 * @param memoryMiB guest RAM
 * @param bios system BIOS image
 * @param vgaBios VGA BIOS image, or null
 * @param vnc RFB on TCP without authentication, or null
 * @param vncWebSocket RFB over WebSocket without a token, or null
 * @param serial {@code stdio}, {@code none}, or a file
 * @param serialFile the file for {@code file:PATH}, else null
 * @param noReboot exit when the guest resets instead of rebooting
 * @param kernel a Linux bzImage to boot directly (no BIOS runs), or null
 * @param initrd an initial RAM disk for the kernel, or null
 * @param append the kernel command line, or null
 * @param loadvm a snapshot file to continue from instead of booting, or null
 * @param savevm where to write a snapshot after {@code savevmAfterSeconds}, or null
 * @param savevmAfterSeconds seconds of running before the snapshot is written (then the command
 *     ends), or -1
 * @param drives the IDE drives, placed as QEMU places {@code -hda}.. and {@code -cdrom}
 */
public record VmCommandOptions(
        int memoryMiB,
        Path bios,
        Path vgaBios,
        InetSocketAddress vnc,
        InetSocketAddress vncWebSocket,
        String serial,
        Path serialFile,
        boolean noReboot,
        Path kernel,
        Path initrd,
        String append,
        Path loadvm,
        Path savevm,
        long savevmAfterSeconds,
        List<DriveConfig> drives) {

    /** A flag or value the command cannot use; the message is shown with the usage. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }

    public static final String USAGE =
            """
            usage: atrium vm [options]
              --memory SIZE        guest RAM, e.g. 32M or 1G (default 32M; a plain number is MiB)
              --bios FILE          system BIOS image (default: the SeaBIOS bios.bin of /usr/share/seabios)
              --vga-bios FILE      VGA BIOS image (default: vgabios-stdvga.bin next to the BIOS)
              --vnc HOST:PORT      serve RFB on TCP, without authentication: loopback or trusted networks only
              --vnc-ws HOST:PORT   serve RFB over WebSocket (for noVNC), without authentication
              --serial MODE        stdio, none or file:PATH for the first serial port (default stdio)
              --no-reboot          exit when the guest resets instead of rebooting
              --kernel FILE        boot a Linux bzImage directly (no BIOS runs unless --bios is given)
              --initrd FILE        initial RAM disk for --kernel
              --append LINE        kernel command line for --kernel, e.g. "console=ttyS0"
              --loadvm FILE        continue the VM saved in FILE instead of booting (--memory must match;
                                   the ROMs come from the snapshot; --kernel only serves a later reboot)
              --savevm FILE        write a snapshot of the running VM to FILE after --savevm-after
                                   seconds, then end the command
              --savevm-after SECS  seconds of running before --savevm writes its snapshot
              --disk FILE[,format=raw|qcow2][,readonly=on]
                                   an IDE hard disk; the first is the primary master, then
                                   primary slave, secondary master, secondary slave (format: from
                                   the option, else qcow2 for a .qcow2 name, else raw). A qcow2
                                   backing file must lie in the image's directory or below it
              --cdrom FILE         an ISO image in an IDE CD-ROM drive, the secondary master
              --cpu-mode MODE      interpreter (the default); jit is not yet supported
              --help               show this help
            """;

    public static VmCommandOptions parse(String[] args, Path defaultFirmwareDir)
            throws UsageException {
        int memory = 32;
        Path bios = null;
        Path vgaBios = null;
        InetSocketAddress vnc = null;
        InetSocketAddress ws = null;
        String serial = "stdio";
        Path serialFile = null;
        boolean noReboot = false;
        Path kernel = null;
        Path initrd = null;
        String append = null;
        Path loadvm = null;
        Path savevm = null;
        long savevmAfter = -1;
        List<String> disks = new ArrayList<>();
        Path cdrom = null;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.removeFirst();
            String inline = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inline = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            switch (flag) {
                case "--memory" -> memory = memory(value(flag, inline, rest));
                case "--bios" -> bios = Path.of(value(flag, inline, rest));
                case "--vga-bios" -> vgaBios = Path.of(value(flag, inline, rest));
                case "--vnc" -> vnc = address(flag, value(flag, inline, rest));
                case "--vnc-ws" -> ws = address(flag, value(flag, inline, rest));
                case "--serial" -> {
                    serial = value(flag, inline, rest);
                    if (serial.startsWith("file:") && serial.length() > 5) {
                        serialFile = Path.of(serial.substring(5));
                        serial = "file";
                    } else if (!serial.equals("stdio") && !serial.equals("none")) {
                        throw new UsageException("--serial must be stdio, none or file:PATH");
                    }
                }
                case "--no-reboot" -> {
                    if (inline != null) throw new UsageException("--no-reboot takes no value");
                    noReboot = true;
                }
                case "--kernel" -> kernel = Path.of(value(flag, inline, rest));
                case "--initrd" -> initrd = Path.of(value(flag, inline, rest));
                case "--append" -> append = value(flag, inline, rest);
                case "--loadvm" -> loadvm = Path.of(value(flag, inline, rest));
                case "--savevm" -> savevm = Path.of(value(flag, inline, rest));
                case "--savevm-after" -> savevmAfter = seconds(flag, value(flag, inline, rest));
                case "--disk" -> disks.add(value(flag, inline, rest));
                case "--cpu-mode" -> cpuMode(value(flag, inline, rest));
                case "--cdrom" -> {
                    if (cdrom != null) throw new UsageException("--cdrom is given twice");
                    cdrom = Path.of(value(flag, inline, rest));
                }
                default -> throw new UsageException("unknown option " + flag);
            }
        }
        if (kernel == null && (initrd != null || append != null)) {
            throw new UsageException("--initrd and --append need --kernel");
        }
        if ((savevm == null) != (savevmAfter < 0)) {
            throw new UsageException("--savevm and --savevm-after go together");
        }
        // A kernel boots without firmware; the BIOS defaults apply to a firmware boot only.
        if (bios == null && kernel == null) bios = defaultFirmwareDir.resolve("bios.bin");
        if (vgaBios == null && bios != null) {
            Path dir = bios.toAbsolutePath().getParent();
            vgaBios = dir == null ? null : dir.resolve("vgabios-stdvga.bin");
        }
        List<DriveConfig> drives = drives(disks, cdrom);
        return new VmCommandOptions(
                memory,
                bios,
                vgaBios,
                vnc,
                ws,
                serial,
                serialFile,
                noReboot,
                kernel,
                initrd,
                append,
                loadvm,
                savevm,
                savevmAfter,
                drives);
    }

    /**
     * Checks a {@code --cpu-mode}: the interpreter is the CPU this build has (it runs guest code
     * from decoded blocks, ADR 17); the JIT of the design brief comes later.
     */
    static void cpuMode(String mode) throws UsageException {
        switch (mode) {
            case "interpreter" -> {}
            case "jit" ->
                    throw new UsageException(
                            "--cpu-mode jit is not yet supported: this build's CPU is the"
                                    + " interpreter");
            default -> throw new UsageException("--cpu-mode must be interpreter or jit");
        }
    }

    /** A whole number of seconds, 0 to a day. */
    static long seconds(String flag, String text) throws UsageException {
        try {
            long s = Long.parseLong(text.trim());
            if (s >= 0 && s <= 86_400) return s;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " needs whole seconds from 0 to 86400, got " + text);
    }

    /**
     * Places the drives as QEMU does: the CD-ROM on the secondary master (index 2), the disks in
     * order on the other positions.
     */
    static List<DriveConfig> drives(List<String> disks, Path cdrom) throws UsageException {
        List<DriveConfig> drives = new ArrayList<>();
        int position = 0;
        for (String spec : disks) {
            if (cdrom != null && position == 2) position++;
            if (position >= DriveConfig.POSITIONS) {
                throw new UsageException(
                        "too many drives: the IDE controller takes four, a --cdrom included");
            }
            drives.add(disk(position++, spec));
        }
        if (cdrom != null) drives.add(DriveConfig.cdrom(2, cdrom));
        return List.copyOf(drives);
    }

    /** {@code FILE[,format=raw|qcow2][,readonly=on|off]}; a comma in a file name is doubled. */
    static DriveConfig disk(int position, String spec) throws UsageException {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == ',' && i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                part.append(',');
                i++;
            } else if (c == ',') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        String file = parts.getFirst();
        if (file.isEmpty()) throw new UsageException("--disk needs a file name");
        ImageFormat format = null;
        boolean readOnly = false;
        for (String option : parts.subList(1, parts.size())) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? "" : option.substring(eq + 1);
            switch (key) {
                case "format" -> {
                    try {
                        format = ImageFormat.ofQemuName(value);
                    } catch (java.io.IOException e) {
                        throw new UsageException(
                                "--disk: format must be raw or qcow2, got " + value);
                    }
                }
                case "readonly" -> {
                    readOnly =
                            switch (value) {
                                case "on", "" -> true;
                                case "off" -> false;
                                default ->
                                        throw new UsageException(
                                                "--disk: readonly must be on or off, got " + value);
                            };
                }
                default -> throw new UsageException("--disk: unknown option " + key);
            }
        }
        if (format == null) {
            format =
                    file.toLowerCase(Locale.ROOT).endsWith(".qcow2")
                            ? ImageFormat.QCOW2
                            : ImageFormat.RAW;
        }
        return DriveConfig.disk(position, Path.of(file), format, readOnly);
    }

    private static String value(String flag, String inline, List<String> rest)
            throws UsageException {
        if (inline != null) return inline;
        if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return rest.removeFirst();
    }

    /** A size with an optional K, M or G suffix (binary units); plain numbers are MiB. */
    static int memory(String text) throws UsageException {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long factorKiB = 1024;
        if (t.endsWith("K")) {
            factorKiB = 1;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("M")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("G")) {
            factorKiB = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        long kib;
        try {
            kib = Math.multiplyExact(Long.parseLong(t), factorKiB);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--memory: not a size: " + text);
        }
        if (kib <= 0 || kib % 1024 != 0 || kib / 1024 > Integer.MAX_VALUE) {
            throw new UsageException("--memory must be a positive whole number of MiB: " + text);
        }
        return (int) (kib / 1024);
    }

    static InetSocketAddress address(String flag, String text) throws UsageException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new UsageException(flag + " needs HOST:PORT, got " + text);
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = "127.0.0.1";
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException(flag + ": not a port: " + text.substring(colon + 1));
        }
        if (port < 0 || port > 65535)
            throw new UsageException(flag + ": port out of range: " + port);
        return new InetSocketAddress(host, port);
    }
}
