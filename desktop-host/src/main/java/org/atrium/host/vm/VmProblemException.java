package org.atrium.host.vm;

/**
 * A control request that cannot be served, with the HTTP status and problem title the API answers
 * with (RFC 9457 problem details).
 */
public final class VmProblemException extends RuntimeException {
    private final int status;
    private final String title;

    public VmProblemException(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /**
     * A disk image of VM {@code id} that cannot be used; the cause says what is wrong with it,
     * whereas the exception's own message would name a host path.
     */
    static VmProblemException diskNotUsable(String id, Exception e) {
        return new VmProblemException(
                422,
                "Disk not usable",
                "a disk of VM "
                        + id
                        + ": "
                        + (e.getCause() == null ? "unreadable" : e.getCause().getMessage()));
    }

    public static VmProblemException snapshotNotFound(String name) {
        return new VmProblemException(
                404, "Snapshot not found", "no snapshot named " + name + " on this host");
    }

    public static VmProblemException notFound(String id) {
        return new VmProblemException(404, "VM not found", "no VM with id " + id);
    }
}
