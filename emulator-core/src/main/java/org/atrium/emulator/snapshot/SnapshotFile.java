package org.atrium.emulator.snapshot;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.atrium.emulator.memory.LazyMemory;

/**
 * The snapshot file container (ADR 13): a magic, a format version and a sequence of sections, each
 * with an id, its own version, a length and a CRC32C of its payload; a page-aligned section (guest
 * RAM) starts its payload at a multiple of 4096 bytes so it can be mapped straight from the file.
 *
 * <pre>
 * header   "ATRIUMVM"  u32 format version (1)  u32 section count (1-64)
 * section  u8 id length (1-32)  id (ASCII a-z 0-9 . -)  u32 version  u32 flags (bit 0: aligned)
 *          u64 payload length  u32 payload CRC32C  u32 CRC32C of this header from the id length on
 *          zero padding to the next multiple of 4096 when aligned, then the payload
 * </pre>
 *
 * All numbers are little-endian and the file ends right after the last payload. {@link #open}
 * checks the whole structure as hostile input before anything is read from a payload; payload
 * checksums are checked when a payload is read.
 */
public final class SnapshotFile implements AutoCloseable {
    public static final int FORMAT_VERSION = 1;
    public static final int PAGE = 4096;
    static final byte[] MAGIC = "ATRIUMVM".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_SECTIONS = 64;
    static final int MAX_ID = 32;
    private static final int FLAG_ALIGNED = 1;
    private static final int HEADER_BYTES = 16;
    private static final int COPY_CHUNK = 1 << 20;

    /** One section to write; {@code payload} is read while the file is written. */
    public record Section(String id, int version, boolean pageAligned, MemorySegment payload) {
        public Section {
            checkId(id);
            Objects.requireNonNull(payload, "payload");
        }

        public static Section of(String id, int version, byte[] payload) {
            return new Section(id, version, false, MemorySegment.ofArray(payload));
        }
    }

    /** Where a section's payload lies in an opened file. */
    public record SectionInfo(
            String id, int version, boolean pageAligned, long offset, long length, int crc) {}

    private final Path path;
    private final FileChannel channel;
    private final Map<String, SectionInfo> sections;

    private SnapshotFile(Path path, FileChannel channel, Map<String, SectionInfo> sections) {
        this.path = path;
        this.channel = channel;
        this.sections = sections;
    }

    static void checkId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !id.matches("[a-z0-9.-]+")) {
            throw new IllegalArgumentException("not a section id: " + id);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code sections} to {@code file} atomically: into a temporary file in the same
     * directory, forced to disk, then renamed over {@code file}. A reader never sees a partial
     * file.
     */
    public static void write(Path file, List<Section> sections) throws IOException {
        if (sections.isEmpty() || sections.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("a snapshot has 1 to " + MAX_SECTIONS + " sections");
        }
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".part");
        try {
            try (FileChannel out =
                    FileChannel.open(
                            temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer header =
                        ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                header.put(MAGIC).putInt(FORMAT_VERSION).putInt(sections.size()).flip();
                writeFully(out, header);
                for (Section s : sections) {
                    writeSection(out, s);
                }
                out.force(true);
            }
            try {
                Files.move(
                        temp,
                        absolute,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeSection(FileChannel out, Section s) throws IOException {
        byte[] id = s.id().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = ByteBuffer.allocate(1 + id.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) id.length)
                .put(id)
                .putInt(s.version())
                .putInt(s.pageAligned() ? FLAG_ALIGNED : 0)
                .putLong(s.payload().byteSize())
                .putInt(crc(s.payload()));
        h.putInt(crc(MemorySegment.ofArray(h.array()).asSlice(0, h.position())));
        h.flip();
        writeFully(out, h);
        if (s.pageAligned()) {
            long pad = (PAGE - out.position() % PAGE) % PAGE;
            writeFully(out, ByteBuffer.allocate((int) pad));
        }
        for (long at = 0; at < s.payload().byteSize(); at += COPY_CHUNK) {
            long n = Math.min(COPY_CHUNK, s.payload().byteSize() - at);
            writeFully(out, s.payload().asSlice(at, n).asByteBuffer());
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    static int crc(MemorySegment data) {
        CRC32C crc = new CRC32C();
        for (long at = 0; at < data.byteSize(); at += COPY_CHUNK) {
            crc.update(data.asSlice(at, Math.min(COPY_CHUNK, data.byteSize() - at)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Opens {@code file} and checks its structure: magic, format version, every section header and
     * its checksum, ids, flags, zero padding, lengths inside the file, no duplicate ids and no
     * bytes after the last section.
     */
    public static SnapshotFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SnapshotFile(file, channel, parse(channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, SectionInfo> parse(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer header = read(ch, 0, HEADER_BYTES, "file header");
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new SnapshotFormatException("not an Atrium snapshot (bad magic)");
        }
        int version = header.getInt();
        if (version != FORMAT_VERSION) {
            throw new SnapshotFormatException(
                    "snapshot format version "
                            + Integer.toUnsignedString(version)
                            + " is not supported (this reader knows version "
                            + FORMAT_VERSION
                            + ")");
        }
        int count = header.getInt();
        if (count < 1 || count > MAX_SECTIONS) {
            throw new SnapshotFormatException(
                    "section count "
                            + Integer.toUnsignedString(count)
                            + " out of range 1-"
                            + MAX_SECTIONS);
        }
        Map<String, SectionInfo> sections = new LinkedHashMap<>();
        long at = HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            String where = "section " + (i + 1) + " of " + count;
            int idLength = read(ch, at, 1, where + " header").get() & 0xFF;
            if (idLength < 1 || idLength > MAX_ID) {
                throw new SnapshotFormatException(
                        where + ": id length " + idLength + " out of range");
            }
            int headerBytes = 1 + idLength + 24;
            ByteBuffer h = read(ch, at, headerBytes, where + " header");
            int headerCrc = h.getInt(headerBytes - 4);
            CRC32C crc = new CRC32C();
            crc.update(h.array(), 0, headerBytes - 4);
            if ((int) crc.getValue() != headerCrc) {
                throw new SnapshotFormatException(where + ": header checksum mismatch");
            }
            h.position(1);
            byte[] idBytes = new byte[idLength];
            h.get(idBytes);
            String id = new String(idBytes, StandardCharsets.US_ASCII);
            try {
                checkId(id);
            } catch (IllegalArgumentException e) {
                throw new SnapshotFormatException(where + ": malformed section id");
            }
            int sectionVersion = h.getInt();
            int flags = h.getInt();
            long length = h.getLong();
            int payloadCrc = h.getInt();
            if ((flags & ~FLAG_ALIGNED) != 0) {
                throw new SnapshotFormatException("section '" + id + "': unknown flags " + flags);
            }
            at += headerBytes;
            boolean aligned = (flags & FLAG_ALIGNED) != 0;
            if (aligned) {
                int pad = (int) ((PAGE - at % PAGE) % PAGE);
                ByteBuffer padding = read(ch, at, pad, "section '" + id + "' padding");
                while (padding.hasRemaining()) {
                    if (padding.get() != 0) {
                        throw new SnapshotFormatException(
                                "section '" + id + "': padding is not zero");
                    }
                }
                at += pad;
            }
            if (length < 0 || length > size - at) {
                throw new SnapshotFormatException(
                        "section '"
                                + id
                                + "' is truncated: "
                                + Long.toUnsignedString(length)
                                + " bytes declared, "
                                + (size - at)
                                + " in the file");
            }
            if (sections.containsKey(id)) {
                throw new SnapshotFormatException("section '" + id + "' appears twice");
            }
            sections.put(id, new SectionInfo(id, sectionVersion, aligned, at, length, payloadCrc));
            at += length;
        }
        if (at != size) {
            throw new SnapshotFormatException((size - at) + " bytes after the last section");
        }
        return Collections.unmodifiableMap(sections);
    }

    private static ByteBuffer read(FileChannel ch, long at, int n, String what) throws IOException {
        if (at + n > ch.size()) {
            throw new SnapshotFormatException("file is truncated in the " + what);
        }
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new SnapshotFormatException("file is truncated in the " + what);
            }
        }
        return b.flip();
    }

    public Path path() {
        return path;
    }

    /** The sections in file order. */
    public Map<String, SectionInfo> sections() {
        return sections;
    }

    /**
     * The payload of section {@code id}, checked against its checksum.
     *
     * @param maxBytes the largest payload the caller accepts for this section
     */
    public byte[] read(String id, long maxBytes) throws IOException {
        SectionInfo s = section(id);
        if (s.length() > maxBytes) {
            throw new SnapshotFormatException(
                    "section '"
                            + id
                            + "' has "
                            + s.length()
                            + " bytes; at most "
                            + maxBytes
                            + " expected");
        }
        ByteBuffer b = read(channel, s.offset(), (int) s.length(), "section '" + id + "'");
        checkCrc(s, MemorySegment.ofArray(b.array()));
        return b.array();
    }

    /** Copies section {@code id} into {@code target} (of exactly its length), checking its sum. */
    public void copyInto(String id, MemorySegment target) throws IOException {
        SectionInfo s = section(id);
        requireLength(s, target.byteSize());
        // Through a buffer, so that pages of zeros leave lazily mapped guest RAM untouched.
        readChecked(
                s,
                (at, chunk) -> LazyMemory.copySparse(chunk, target.asSlice(at, chunk.byteSize())));
    }

    /**
     * Checks section {@code id}'s payload against its checksum, reading it through a buffer (the
     * file's pages end up in the page cache, mapped nowhere).
     */
    public void verify(String id) throws IOException {
        readChecked(section(id), (at, chunk) -> {});
    }

    /** What {@link #readChecked} hands on: the payload's chunk at offset {@code at}. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(long at, MemorySegment chunk);
    }

    /** Reads a section's payload chunk by chunk into {@code sink}, then checks its checksum. */
    private void readChecked(SectionInfo s, ChunkSink sink) throws IOException {
        CRC32C crc = new CRC32C();
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment chunk =
                    scratch.allocate(Math.max(1, Math.min(COPY_CHUNK, s.length())), PAGE);
            for (long at = 0; at < s.length(); at += COPY_CHUNK) {
                long n = Math.min(COPY_CHUNK, s.length() - at);
                ByteBuffer b = chunk.asSlice(0, n).asByteBuffer();
                while (b.hasRemaining()) {
                    if (channel.read(b, s.offset() + at + b.position()) < 0) {
                        throw new SnapshotFormatException(
                                "file is truncated in section '" + s.id() + "'");
                    }
                }
                crc.update(b.flip());
                sink.accept(at, chunk.asSlice(0, n));
            }
        }
        if ((int) crc.getValue() != s.crc()) {
            throw new SnapshotFormatException("section '" + s.id() + "': checksum mismatch");
        }
    }

    /**
     * Maps section {@code id} copy-on-write ({@code MapMode.PRIVATE}): pages are shared with the
     * page cache until written, and writes never reach the file. The mapping lives as long as
     * {@code arena}. Needs a page-aligned section and a file opened for reading and writing by the
     * operating system's rules; the file itself is never modified.
     *
     * @param verify whether to check the checksum first (reads every page once)
     */
    public MemorySegment mapPrivate(String id, long expectedLength, Arena arena, boolean verify)
            throws IOException {
        SectionInfo s = section(id);
        requireLength(s, expectedLength);
        if (!s.pageAligned()) {
            throw new SnapshotFormatException("section '" + id + "' is not page-aligned");
        }
        MemorySegment mapped;
        try (FileChannel rw =
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapped = rw.map(FileChannel.MapMode.PRIVATE, s.offset(), s.length(), arena);
        }
        if (verify) {
            checkCrc(s, mapped);
        }
        return mapped;
    }

    private SectionInfo section(String id) throws SnapshotFormatException {
        SectionInfo s = sections.get(id);
        if (s == null) {
            throw new SnapshotFormatException("section '" + id + "' is missing");
        }
        return s;
    }

    private static void requireLength(SectionInfo s, long expected) throws SnapshotFormatException {
        if (s.length() != expected) {
            throw new SnapshotFormatException(
                    "section '" + s.id() + "' has " + s.length() + " bytes; expected " + expected);
        }
    }

    private static void checkCrc(SectionInfo s, MemorySegment data) throws SnapshotFormatException {
        if (crc(data) != s.crc()) {
            throw new SnapshotFormatException("section '" + s.id() + "': checksum mismatch");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
