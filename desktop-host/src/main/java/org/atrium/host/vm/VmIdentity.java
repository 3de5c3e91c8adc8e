package org.atrium.host.vm;

import java.util.regex.Pattern;

/**
 * Who a clone is: a guest started from a shared snapshot is otherwise a copy of its template. The
 * host hands the identity to the guest after restore (docs/desktop-host.md, "Clone identity").
 *
 * @param hostname the guest's host name, a DNS label
 * @param macAddress the MAC address its NIC will use, {@code 52:54:00:xx:xx:xx} style
 * @param serialNumber the machine's serial number, letters, digits and '-'
 */
public record VmIdentity(String hostname, String macAddress, String serialNumber) {
    private static final Pattern HOSTNAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern MAC = Pattern.compile("(?:[0-9a-f]{2}:){5}[0-9a-f]{2}");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9-]{1,32}");

    public VmIdentity {
        check(HOSTNAME, hostname, "hostname must be a DNS label (letters, digits, '-')");
        check(MAC, macAddress, "macAddress must be six lower-case hex pairs joined by ':'");
        check(SERIAL, serialNumber, "serialNumber must be 1 to 32 letters, digits or '-'");
        if (macAddress != null && (Integer.parseInt(macAddress.substring(0, 2), 16) & 1) != 0) {
            throw new VmProblemException(
                    400,
                    "Invalid identity",
                    "macAddress must be unicast (low bit of the first byte 0)");
        }
    }

    /**
     * The identity a clone gets when its request names none: derived from the VM id so it is stable
     * across restarts, with a locally administered MAC of QEMU's 52:54:00 prefix.
     */
    public static VmIdentity derivedFrom(String vmId) {
        int h = vmId.hashCode();
        String mac =
                String.format(
                        "52:54:00:%02x:%02x:%02x", (h >>> 16) & 0xFF, (h >>> 8) & 0xFF, h & 0xFF);
        String host = vmId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        host = host.substring(0, Math.min(host.length(), 63)).replaceAll("^-+|-+$", "");
        String serial = String.format("ATR-%08X", h);
        return new VmIdentity(host.isEmpty() ? "vm" : host, mac, serial);
    }

    /** This identity with the fields {@code given} sets taken from there instead. */
    public VmIdentity with(VmIdentity given) {
        if (given == null) return this;
        return new VmIdentity(
                given.hostname() != null ? given.hostname() : hostname,
                given.macAddress() != null ? given.macAddress() : macAddress,
                given.serialNumber() != null ? given.serialNumber() : serialNumber);
    }

    private static void check(Pattern p, String value, String message) {
        if (value != null && !p.matcher(value).matches()) {
            throw new VmProblemException(400, "Invalid identity", message);
        }
    }
}
