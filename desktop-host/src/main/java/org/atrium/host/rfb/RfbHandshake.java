package org.atrium.host.rfb;

/** What the handshake decoders read from a client before it may send {@link RfbClientMessage}s. */
public sealed interface RfbHandshake {

    /** The client's ProtocolVersion, reduced to the minor version served: 3, 7 or 8. */
    record ClientVersion(int minor) implements RfbHandshake {}

    /** The security type the client picked (RFB 3.7 and 3.8). */
    record SecurityTypeChosen(int type) implements RfbHandshake {}

    /** The client's 16-byte answer to the VNC Authentication challenge. */
    record VncAuthResponse(byte[] response) implements RfbHandshake {}

    /** ClientInit: whether the client agrees to share the desktop. */
    record ClientInit(boolean shared) implements RfbHandshake {}
}
