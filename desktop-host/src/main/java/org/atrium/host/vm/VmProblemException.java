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

    public static VmProblemException notFound(String id) {
        return new VmProblemException(404, "VM not found", "no VM with id " + id);
    }
}
