"""A small RFB 3.8 client for the benchmark: enough to ask both servers for the same encodings and
to measure each FramebufferUpdate exactly. It parses Raw, ZRLE and Tight rectangles (lengths only;
no pixels are decoded) and the pseudo-rectangles either server may send."""

import select
import socket
import struct
import time

RAW, TIGHT, ZRLE = 0, 7, 16
DESKTOP_SIZE, LAST_RECT, CURSOR = -223, -224, -239
QEMU_KEY, QEMU_LED, DESKTOP_NAME, EXT_DESKTOP_SIZE = -258, -261, -307, -308


def quality(level):
    return -32 + level


def compression(level):
    return -256 + level


class Closed(Exception):
    pass


class RfbClient:
    def __init__(self, host, port, timeout=60.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.received = 0
        self.last_area = 0
        version = self.read(12)
        if not version.startswith(b"RFB "):
            raise Closed(f"not an RFB server: {version!r}")
        self.sock.sendall(b"RFB 003.008\n")
        n = self.read(1)[0]
        types = self.read(n)
        if 1 not in types:
            raise Closed(f"security None not offered: {list(types)}")
        self.sock.sendall(b"\x01")
        if struct.unpack(">I", self.read(4))[0] != 0:
            raise Closed("security failed")
        self.sock.sendall(b"\x01")  # shared
        self.width, self.height = struct.unpack(">HH", self.read(4))
        self.read(16)
        self.read(struct.unpack(">I", self.read(4))[0])
        # 32 bpp, depth 24, little-endian true colour, red at 16: what both servers use by default.
        self.sock.sendall(
            struct.pack(">B3xBBBBHHHBBB3x", 0, 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        )

    def read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise Closed("server closed the connection")
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        self.received += n
        return out

    def set_encodings(self, *encodings):
        self.sock.sendall(
            struct.pack(">BxH", 2, len(encodings)) + b"".join(struct.pack(">i", e) for e in encodings)
        )

    def request(self, incremental, x=0, y=0, w=None, h=None):
        w = self.width if w is None else w
        h = self.height if h is None else h
        self.sock.sendall(struct.pack(">BBHHHH", 3, 1 if incremental else 0, x, y, w, h))

    def key(self, keysym, down):
        self.sock.sendall(struct.pack(">BBxxI", 4, 1 if down else 0, keysym))

    def read_message(self):
        """Reads one server message; returns ("update", bytes, pixel_rects) or (kind, bytes, 0)."""
        start = self.received
        t = self.read(1)[0]
        if t == 0:
            self.read(1)
            count = struct.unpack(">H", self.read(2))[0]
            pixel_rects = 0
            # Pixels covered by this update's pixel rectangles (what the animation checks).
            self.last_area = 0
            i = 0
            while count == 0xFFFF or i < count:
                i += 1
                x, y, w, h, enc = struct.unpack(">HHHHi", self.read(12))
                if enc == LAST_RECT:
                    break
                if enc in (DESKTOP_SIZE,):
                    self.width, self.height = w, h
                elif enc == EXT_DESKTOP_SIZE:
                    screens = self.read(4)[0]
                    self.read(16 * screens)
                    self.width, self.height = w, h
                elif enc == CURSOR:
                    self.read(w * h * 4 + (w + 7) // 8 * h)
                elif enc == QEMU_LED:
                    self.read(1)
                elif enc in (QEMU_KEY, DESKTOP_NAME):
                    if enc == DESKTOP_NAME:
                        self.read(struct.unpack(">I", self.read(4))[0])
                elif enc == RAW:
                    self.read(w * h * 4)
                    pixel_rects += 1
                    self.last_area += w * h
                elif enc == ZRLE:
                    self.read(struct.unpack(">I", self.read(4))[0])
                    pixel_rects += 1
                    self.last_area += w * h
                elif enc == TIGHT:
                    self._tight(w, h)
                    pixel_rects += 1
                    self.last_area += w * h
                else:
                    raise Closed(f"unexpected encoding {enc}")
            return ("update", self.received - start, pixel_rects)
        if t == 1:  # SetColourMapEntries
            self.read(3)
            self.read(6 * struct.unpack(">H", self.read(2))[0])
            return ("colourmap", self.received - start, 0)
        if t == 2:
            return ("bell", 1, 0)
        if t == 3:
            self.read(3)
            self.read(struct.unpack(">I", self.read(4))[0])
            return ("cuttext", self.received - start, 0)
        if t == 150:
            return ("end-continuous", 1, 0)
        if t == 248:
            self.read(3 + 4)
            self.read(self.read(1)[0])
            return ("fence", self.received - start, 0)
        raise Closed(f"unknown server message {t}")

    def _compact(self):
        b = self.read(1)[0]
        n = b & 0x7F
        if b & 0x80:
            b = self.read(1)[0]
            n |= (b & 0x7F) << 7
            if b & 0x80:
                n |= self.read(1)[0] << 14
        return n

    def _tight(self, w, h):
        control = self.read(1)[0] >> 4
        if control == 8:  # fill: one TPIXEL (3 bytes at depth 24)
            self.read(3)
            return
        if control == 9:  # JPEG
            self.read(self._compact())
            return
        if control > 9:
            raise Closed(f"unexpected Tight control {control}")
        filter_id = self.read(1)[0] if control & 4 else 0
        if filter_id == 1:  # palette
            colours = self.read(1)[0] + 1
            self.read(colours * 3)
            size = (w + 7) // 8 * h if colours == 2 else w * h
        elif filter_id in (0, 2):
            size = w * h * 3
        else:
            raise Closed(f"unexpected Tight filter {filter_id}")
        if size < 12:
            self.read(size)
        else:
            self.read(self._compact())

    def next_update(self, timeout):
        """The next FramebufferUpdate starting within timeout seconds, or None; other messages are
        skipped. Only the wait for a message's first byte is bounded, never a message half read."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready:
                    return None
            kind, size, rects = self.read_message()
            if kind == "update":
                return size, rects

    def close(self):
        self.sock.close()
