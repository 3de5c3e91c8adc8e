package org.atrium.emulator.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A qcow2 image, versions 2 and 3 (QEMU docs/interop/qcow2.txt): two-level L1/L2 mapping, 16-bit
 * refcounts, copy-on-write allocation at the end of the file, v3 zero clusters, zlib-compressed
 * clusters (read, and rewritten uncompressed on write) and a backing image for clusters the image
 * does not hold.
 *
 * <p>Opening validates the whole structure through a read-only channel first: every table and every
 * mapped cluster must lie inside the file, clear of the header and of each other, and no cluster
 * may be used more often than its refcount says. A failing image is refused and never written.
 * Writes go in the order the spec needs to survive a crash: a cluster's refcount before the cluster
 * is used, guest data before the L2 entry that maps it, a new L2 table before the L1 entry that
 * points to it, a new refcount table before the header names it.
 *
 * <p>Left out: internal snapshots (such images open read-only), lazy refcounts (Atrium keeps
 * refcounts exact; the compatible bit is left as found), reuse of freed clusters (the file only
 * grows), the v3 zero flag on write (zeros are written as data), encryption, external data files,
 * extended L2 entries, compression types other than zlib.
 */
public final class Qcow2Image implements BlockBackend {
    /** Default cap on the virtual size: 16 TiB. */
    public static final long DEFAULT_SIZE_CAP = 16L << 40;

    private static final long OFFSET_MASK = 0x00fffffffffffe00L;
    private static final long COPIED = 1L << 63;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;
    private static final long L1_RESERVED = 0x7f000000000001ffL;
    private static final long L2_RESERVED = 0x3f000000000001feL;
    private static final long REFCOUNT_TABLE_MASK = ~0x1ffL;
    private static final int MAX_REFCOUNT = 0xffff;
    private static final int CACHE_TABLES = 256;

    private final FileChannel channel;
    private final boolean readOnly;
    private final Qcow2Header header;
    private final BlockBackend backing;
    private final int clusterBits;
    private final int clusterSize;
    private final int l2Entries;
    private final int refcountBlockEntries;
    private final long[] l1;
    private long[] refcountTable;
    private long refcountTableOffset;
    private long fileEnd;
    private final Map<Long, long[]> l2Cache = lru();
    private final Map<Long, char[]> refcountCache = lru();
    private long decompressedHost = -1;
    private final byte[] decompressed;

    private Qcow2Image(
            FileChannel channel,
            boolean readOnly,
            Qcow2Header header,
            BlockBackend backing,
            Structure structure) {
        this.channel = channel;
        this.readOnly = readOnly;
        this.header = header;
        this.backing = backing;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l2Entries = clusterSize / 8;
        this.refcountBlockEntries = clusterSize / 2;
        this.l1 = structure.l1;
        this.refcountTable = structure.refcountTable;
        this.refcountTableOffset = header.refcountTableOffset();
        this.fileEnd = structure.fileEnd;
        this.decompressed = new byte[clusterSize];
    }

    /** Opens an image that has no backing file (or must not use one). */
    public static Qcow2Image open(Path path, boolean readOnly) throws IOException {
        return open(path, readOnly, BackingResolver.NONE, DEFAULT_SIZE_CAP);
    }

    /**
     * Validates the image read-only, then opens it. The backing image, if any, comes from {@code
     * resolver} and is closed with this image.
     */
    public static Qcow2Image open(
            Path path, boolean readOnly, BackingResolver resolver, long sizeCap)
            throws IOException {
        Qcow2Header header;
        Structure structure;
        try (FileChannel check = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = check.size();
            ByteBuffer first = ByteBuffer.allocate((int) Math.min(fileSize, 1 << 21));
            readFully(check, first, 0);
            first.flip();
            header = Qcow2Header.parse(first, fileSize, sizeCap);
            structure = validate(check, header, fileSize);
        }
        if (!readOnly && header.snapshotCount() > 0) {
            throw Qcow2Header.unsupported(
                    "writing an image with internal snapshots (open it read-only)");
        }
        BlockBackend backing =
                header.backingFile() == null
                        ? null
                        : resolver.openBacking(header.backingFile(), header.backingFormat());
        FileChannel channel = null;
        try {
            channel =
                    readOnly
                            ? FileChannel.open(path, StandardOpenOption.READ)
                            : FileChannel.open(
                                    path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Qcow2Image image = new Qcow2Image(channel, readOnly, header, backing, structure);
            if (!readOnly && header.autoclearFeatures() != 0) {
                // The spec lets a writer that does not know an autoclear feature (bitmaps, raw
                // external data) write only after clearing its bit, which marks it stale.
                image.writeLong(88, 0);
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            if (backing != null) {
                backing.close();
            }
            throw e;
        }
    }

    /** The backing file name stored in the image, or null. Untrusted. */
    public static String backingFileOf(Path path) throws IOException {
        try (FileChannel check = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate((int) Math.min(check.size(), 1 << 21));
            readFully(check, first, 0);
            first.flip();
            return Qcow2Header.parse(first, check.size(), Long.MAX_VALUE).backingFile();
        }
    }

    public int version() {
        return header.version();
    }

    public int clusterSize() {
        return clusterSize;
    }

    public String backingFile() {
        return header.backingFile();
    }

    @Override
    public long size() {
        return header.size();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public synchronized void read(long offset, byte[] buffer, int start, int length)
            throws IOException {
        BlockBackend.checkRange(this, offset, buffer, start, length);
        while (length > 0) {
            int within = (int) (offset & (clusterSize - 1));
            int n = Math.min(length, clusterSize - within);
            readFromCluster(l2Entry(offset >>> clusterBits), offset, buffer, start, n);
            offset += n;
            start += n;
            length -= n;
        }
    }

    @Override
    public synchronized void write(long offset, byte[] buffer, int start, int length)
            throws IOException {
        if (readOnly) {
            throw new IOException("disk is read-only");
        }
        BlockBackend.checkRange(this, offset, buffer, start, length);
        while (length > 0) {
            int within = (int) (offset & (clusterSize - 1));
            int n = Math.min(length, clusterSize - within);
            writeCluster(offset, buffer, start, n);
            offset += n;
            start += n;
            length -= n;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (!readOnly) {
            channel.force(true);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (backing != null) {
                backing.close();
            }
        }
    }

    // ---- reading ----

    private void readFromCluster(long entry, long offset, byte[] buffer, int start, int n)
            throws IOException {
        int within = (int) (offset & (clusterSize - 1));
        if ((entry & COMPRESSED) != 0) {
            decompress(entry);
            System.arraycopy(decompressed, within, buffer, start, n);
        } else if ((entry & ZERO) != 0 && header.version() >= 3) {
            Arrays.fill(buffer, start, start + n, (byte) 0);
        } else if ((entry & OFFSET_MASK) == 0) {
            readBacking(offset, buffer, start, n);
        } else {
            readHost((entry & OFFSET_MASK) + within, buffer, start, n);
        }
    }

    private void readBacking(long offset, byte[] buffer, int start, int n) throws IOException {
        // A backing image smaller than the overlay reads as zeros past its end.
        int fromBacking =
                backing == null ? 0 : (int) Math.max(0, Math.min(n, backing.size() - offset));
        if (fromBacking > 0) {
            backing.read(offset, buffer, start, fromBacking);
        }
        Arrays.fill(buffer, start + fromBacking, start + n, (byte) 0);
    }

    private void readHost(long hostOffset, byte[] buffer, int start, int n) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, start, n);
        while (target.hasRemaining()) {
            if (channel.read(target, hostOffset + target.position() - start) < 0) {
                // The tail of the last cluster may be missing from the file: it reads as zeros.
                Arrays.fill(buffer, target.position(), start + n, (byte) 0);
                return;
            }
        }
    }

    private void decompress(long entry) throws IOException {
        long host = entry & compressedOffsetMask();
        if (host == decompressedHost) {
            return;
        }
        decompressedHost = -1;
        int length = compressedLength(entry);
        byte[] input = new byte[length];
        readHost(host, input, 0, length);
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int produced = 0;
            while (produced < clusterSize && !inflater.finished()) {
                int n = inflater.inflate(decompressed, produced, clusterSize - produced);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                produced += n;
            }
            if (produced != clusterSize) {
                throw Qcow2Header.corrupt("compressed cluster at " + host + " is short");
            }
        } catch (DataFormatException e) {
            throw Qcow2Header.corrupt("compressed cluster at " + host + ": " + e.getMessage());
        } finally {
            inflater.end();
        }
        decompressedHost = host;
    }

    private long compressedOffsetMask() {
        return (1L << (62 - (clusterBits - 8))) - 1;
    }

    private int compressedLength(long entry) {
        int x = 62 - (clusterBits - 8);
        long sectors = ((entry & ~COMPRESSED & ~COPIED) >>> x) + 1;
        long host = entry & compressedOffsetMask();
        return (int) (sectors * 512 - (host & 511));
    }

    /** The L2 entry for a guest cluster, 0 when its L2 table is unallocated. */
    private long l2Entry(long guestCluster) throws IOException {
        long l2Offset = l1[(int) (guestCluster / l2Entries)] & OFFSET_MASK;
        if (l2Offset == 0) {
            return 0;
        }
        return l2Table(l2Offset)[(int) (guestCluster % l2Entries)];
    }

    private long[] l2Table(long l2Offset) throws IOException {
        long[] table = l2Cache.get(l2Offset);
        if (table == null) {
            table = readLongs(channel, l2Offset, l2Entries);
            l2Cache.put(l2Offset, table);
        }
        return table;
    }

    // ---- writing ----

    private void writeCluster(long offset, byte[] buffer, int start, int n) throws IOException {
        long guestCluster = offset >>> clusterBits;
        int within = (int) (offset & (clusterSize - 1));
        long entry = l2Entry(guestCluster);
        long host = entry & OFFSET_MASK;
        boolean plain = (entry & COMPRESSED) == 0 && host != 0;
        if (plain && (entry & COPIED) != 0 && (entry & ZERO) == 0) {
            // Owned by this image alone: write in place.
            writeHost(host + within, buffer, start, n);
            return;
        }
        byte[] cluster = new byte[clusterSize];
        if (n < clusterSize) {
            // Copy-on-write: the rest of the cluster keeps what a read sees now.
            readFromCluster(entry, guestCluster << clusterBits, cluster, 0, clusterSize);
        }
        System.arraycopy(buffer, start, cluster, within, n);
        long target;
        if (plain && (entry & COPIED) != 0) {
            // A preallocated zero cluster: fill it, then drop the zero flag.
            target = host;
        } else {
            target = allocateCluster();
        }
        writeHost(target, cluster, 0, clusterSize);
        setL2Entry(guestCluster, target | COPIED);
        if ((entry & COMPRESSED) != 0) {
            releaseCompressed(entry);
        } else if (plain && target != host) {
            changeRefcount(host, -1);
        }
    }

    private void releaseCompressed(long entry) throws IOException {
        long host = entry & compressedOffsetMask();
        long last = host + compressedLength(entry) - 1;
        for (long c = host >>> clusterBits; c <= last >>> clusterBits; c++) {
            changeRefcount(c << clusterBits, -1);
        }
        if (decompressedHost == host) {
            decompressedHost = -1;
        }
    }

    private void setL2Entry(long guestCluster, long entry) throws IOException {
        int l1Index = (int) (guestCluster / l2Entries);
        int l2Index = (int) (guestCluster % l2Entries);
        long l2Offset = l1[l1Index] & OFFSET_MASK;
        if (l2Offset == 0) {
            long newTable = allocateCluster();
            long[] table = new long[l2Entries];
            table[l2Index] = entry;
            writeLongs(newTable, table);
            l2Cache.put(newTable, table);
            l1[l1Index] = newTable | COPIED;
            writeLong(header.l1TableOffset() + 8L * l1Index, l1[l1Index]);
            return;
        }
        if ((l1[l1Index] & COPIED) == 0 && refcount(l2Offset) != 1) {
            throw new IOException("L2 table at " + l2Offset + " is shared; refusing to write");
        }
        long[] table = l2Table(l2Offset);
        table[l2Index] = entry;
        writeLong(l2Offset + 8L * l2Index, entry);
    }

    private long allocateCluster() throws IOException {
        long offset = fileEnd;
        fileEnd += clusterSize;
        setRefcount(offset, 1);
        return offset;
    }

    // ---- refcounts ----

    private int refcount(long hostOffset) throws IOException {
        long cluster = hostOffset >>> clusterBits;
        long tableIndex = cluster / refcountBlockEntries;
        if (tableIndex >= refcountTable.length) {
            return 0;
        }
        long block = refcountTable[(int) tableIndex] & REFCOUNT_TABLE_MASK;
        return block == 0 ? 0 : refcountBlock(block)[(int) (cluster % refcountBlockEntries)];
    }

    private void changeRefcount(long hostOffset, int delta) throws IOException {
        int value = refcount(hostOffset) + delta;
        if (value < 0 || value > MAX_REFCOUNT) {
            throw Qcow2Header.corrupt(
                    "refcount of cluster at " + hostOffset + " would become " + value);
        }
        setRefcount(hostOffset, value);
    }

    private void setRefcount(long hostOffset, int value) throws IOException {
        long cluster = hostOffset >>> clusterBits;
        long tableIndex = cluster / refcountBlockEntries;
        if (tableIndex >= refcountTable.length) {
            growRefcountTable(tableIndex);
        }
        long block = refcountTable[(int) tableIndex] & REFCOUNT_TABLE_MASK;
        if (block == 0) {
            block = fileEnd;
            fileEnd += clusterSize;
            char[] counts = new char[refcountBlockEntries];
            long self = block >>> clusterBits;
            if (self / refcountBlockEntries == tableIndex) {
                counts[(int) (self % refcountBlockEntries)] = 1;
            } else {
                setRefcount(block, 1);
            }
            writeRefcountBlock(block, counts);
            refcountCache.put(block, counts);
            refcountTable[(int) tableIndex] = block;
            writeLong(refcountTableOffset + 8 * tableIndex, block);
        }
        char[] counts = refcountBlock(block);
        int index = (int) (cluster % refcountBlockEntries);
        counts[index] = (char) value;
        ByteBuffer two = ByteBuffer.allocate(2).putChar(0, (char) value);
        writeFully(two, block + 2L * index);
    }

    /**
     * Moves the refcount table to the end of the file with room for {@code neededIndex}: the new
     * table and the refcount blocks that count its own clusters are written first, then the header
     * is switched over in one write, then the old table is freed.
     */
    private void growRefcountTable(long neededIndex) throws IOException {
        long start = fileEnd >>> clusterBits;
        int perTableCluster = clusterSize / 8;
        long entries = Math.max(neededIndex + 1, refcountTable.length * 2L);
        long tableClusters;
        long blocks = 0;
        while (true) {
            tableClusters = (entries + perTableCluster - 1) / perTableCluster;
            long end = start + tableClusters + blocks;
            long missing = 0;
            for (long t = start / refcountBlockEntries;
                    t <= (end - 1) / refcountBlockEntries;
                    t++) {
                if (t >= refcountTable.length || refcountTable[(int) t] == 0) {
                    missing++;
                }
            }
            long lastIndex = (end - 1) / refcountBlockEntries;
            if (missing != blocks) {
                blocks = missing;
            } else if (lastIndex >= tableClusters * perTableCluster) {
                entries = lastIndex + 1;
            } else {
                break;
            }
        }
        if (tableClusters * clusterSize > Qcow2Header.MAX_REFCOUNT_TABLE_BYTES) {
            throw new IOException("refcount table would exceed its size limit");
        }
        long end = start + tableClusters + blocks;
        long[] table = Arrays.copyOf(refcountTable, (int) (tableClusters * perTableCluster));
        Map<Long, char[]> newBlocks = new TreeMap<>();
        long nextBlock = start + tableClusters;
        for (long t = start / refcountBlockEntries; t <= (end - 1) / refcountBlockEntries; t++) {
            if (table[(int) t] == 0) {
                table[(int) t] = nextBlock << clusterBits;
                newBlocks.put(nextBlock << clusterBits, new char[refcountBlockEntries]);
                nextBlock++;
            }
        }
        for (long c = start; c < end; c++) {
            long blockOffset = table[(int) (c / refcountBlockEntries)];
            char[] counts = newBlocks.get(blockOffset);
            if (counts != null) {
                counts[(int) (c % refcountBlockEntries)] = 1;
            } else {
                char[] existing = refcountBlock(blockOffset);
                int index = (int) (c % refcountBlockEntries);
                existing[index] = 1;
                writeFully(ByteBuffer.allocate(2).putChar(0, (char) 1), blockOffset + 2L * index);
            }
        }
        for (Map.Entry<Long, char[]> e : newBlocks.entrySet()) {
            writeRefcountBlock(e.getKey(), e.getValue());
            refcountCache.put(e.getKey(), e.getValue());
        }
        long tableOffset = start << clusterBits;
        writeLongs(tableOffset, table);
        fileEnd = end << clusterBits;
        ByteBuffer pointer =
                ByteBuffer.allocate(12).putLong(0, tableOffset).putInt(8, (int) tableClusters);
        writeFully(pointer, 48);
        long oldOffset = refcountTableOffset;
        long oldClusters = ((long) refcountTable.length * 8 + clusterSize - 1) / clusterSize;
        refcountTable = table;
        refcountTableOffset = tableOffset;
        for (long c = 0; c < oldClusters; c++) {
            setRefcount(oldOffset + (c << clusterBits), 0);
        }
    }

    private char[] refcountBlock(long blockOffset) throws IOException {
        char[] counts = refcountCache.get(blockOffset);
        if (counts == null) {
            ByteBuffer raw = ByteBuffer.allocate(clusterSize);
            readFully(channel, raw, blockOffset);
            counts = new char[refcountBlockEntries];
            raw.flip().asCharBuffer().get(counts);
            refcountCache.put(blockOffset, counts);
        }
        return counts;
    }

    private void writeRefcountBlock(long offset, char[] counts) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(clusterSize);
        raw.asCharBuffer().put(counts);
        writeFully(raw, offset);
    }

    // ---- file access ----

    private void writeHost(long offset, byte[] buffer, int start, int n) throws IOException {
        writeFully(ByteBuffer.wrap(buffer, start, n), offset);
    }

    private void writeLong(long offset, long value) throws IOException {
        writeFully(ByteBuffer.allocate(8).putLong(0, value), offset);
    }

    private void writeLongs(long offset, long[] values) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8);
        raw.asLongBuffer().put(values);
        writeFully(raw, offset);
    }

    private void writeFully(ByteBuffer source, long offset) throws IOException {
        long base = offset - source.position();
        while (source.hasRemaining()) {
            channel.write(source, base + source.position());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer target, long offset)
            throws IOException {
        long base = offset - target.position();
        while (target.hasRemaining()) {
            if (channel.read(target, base + target.position()) < 0) {
                throw Qcow2Header.corrupt("truncated: read past the end of the file at " + offset);
            }
        }
    }

    private static long[] readLongs(FileChannel channel, long offset, int count)
            throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(count * 8);
        readFully(channel, raw, offset);
        long[] values = new long[count];
        raw.flip().asLongBuffer().get(values);
        return values;
    }

    private static <V> Map<Long, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                // Caches are write-through, so dropping an entry never loses data.
                return size() > CACHE_TABLES;
            }
        };
    }

    // ---- validation ----

    /** What validation learnt and the image keeps. */
    private record Structure(long[] l1, long[] refcountTable, long fileEnd) {}

    /** Cluster ranges used by metadata, to find overlaps. */
    private static final class Claims {
        private final TreeMap<Long, long[]> ranges = new TreeMap<>();
        private final Map<Long, String> names = new HashMap<>();

        void claim(long start, long length, String what) throws ImageFormatException {
            String other = owner(start, length);
            if (other != null) {
                throw Qcow2Header.corrupt(what + " at " + start + " overlaps the " + other);
            }
            ranges.put(start, new long[] {start + length});
            names.put(start, what);
        }

        String owner(long start, long length) {
            Map.Entry<Long, long[]> e = ranges.floorEntry(start + length - 1);
            return e != null && e.getValue()[0] > start ? names.get(e.getKey()) : null;
        }
    }

    /** Counts uses of host clusters, to hold them against the stored refcounts. */
    private static final class Uses {
        private final BitSet once = new BitSet();
        private final Map<Long, Integer> more = new HashMap<>();

        void add(long cluster) throws ImageFormatException {
            if (cluster > Integer.MAX_VALUE) {
                throw Qcow2Header.corrupt("cluster index " + cluster + " is absurd");
            }
            if (!once.get((int) cluster)) {
                once.set((int) cluster);
                return;
            }
            int n = more.merge(cluster, 2, (a, b) -> a + 1);
            if (n > MAX_REFCOUNT) {
                throw Qcow2Header.corrupt(
                        "refcount overflow: a cluster is used more than "
                                + MAX_REFCOUNT
                                + " times");
            }
        }

        int count(long cluster) {
            return more.getOrDefault(cluster, once.get((int) cluster) ? 1 : 0);
        }
    }

    private static Structure validate(FileChannel channel, Qcow2Header header, long fileSize)
            throws IOException {
        int clusterBits = header.clusterBits();
        int clusterSize = header.clusterSize();
        long clusterMask = clusterSize - 1;
        Claims claims = new Claims();
        Uses uses = new Uses();
        claims.claim(0, clusterSize, "header");
        uses.add(0);
        long l1Bytes = roundUp((long) header.l1Size() * 8, clusterSize);
        if (header.l1Size() > 0) {
            claims.claim(header.l1TableOffset(), l1Bytes, "L1 table");
            addUses(uses, header.l1TableOffset(), l1Bytes, clusterBits);
        }
        long refcountTableBytes = (long) header.refcountTableClusters() * clusterSize;
        claims.claim(header.refcountTableOffset(), refcountTableBytes, "refcount table");
        addUses(uses, header.refcountTableOffset(), refcountTableBytes, clusterBits);

        long[] l1 = readLongs(channel, header.l1TableOffset(), header.l1Size());
        for (int i = 0; i < l1.length; i++) {
            long entry = l1[i];
            if ((entry & L1_RESERVED) != 0) {
                throw Qcow2Header.corrupt("L1 entry " + i + " has reserved bits set");
            }
            long l2 = entry & OFFSET_MASK;
            if (l2 == 0) {
                continue;
            }
            checkInside("L2 table", l2, clusterSize, fileSize);
            claims.claim(l2, clusterSize, "L2 table of L1 entry " + i);
            uses.add(l2 >>> clusterBits);
        }
        long[] refcountTable =
                readLongs(channel, header.refcountTableOffset(), (int) (refcountTableBytes / 8));
        Map<Long, char[]> blocks = new HashMap<>();
        for (int i = 0; i < refcountTable.length; i++) {
            long block = refcountTable[i] & REFCOUNT_TABLE_MASK;
            if ((refcountTable[i] & 0x1ff) != 0) {
                throw Qcow2Header.corrupt("refcount table entry " + i + " is not cluster aligned");
            }
            if (block == 0) {
                continue;
            }
            checkInside("refcount block", block, clusterSize, fileSize);
            claims.claim(block, clusterSize, "refcount block " + i);
            uses.add(block >>> clusterBits);
            ByteBuffer raw = ByteBuffer.allocate(clusterSize);
            readFully(channel, raw, block);
            char[] counts = new char[clusterSize / 2];
            raw.flip().asCharBuffer().get(counts);
            blocks.put((long) i, counts);
        }
        int x = 62 - (clusterBits - 8);
        long compressedMask = (1L << x) - 1;
        Map<Long, Boolean> copiedData = new HashMap<>();
        for (int i = 0; i < l1.length; i++) {
            long l2 = l1[i] & OFFSET_MASK;
            if (l2 == 0) {
                continue;
            }
            long[] table = readLongs(channel, l2, clusterSize / 8);
            for (int j = 0; j < table.length; j++) {
                long entry = table[j];
                String where = "L2 entry " + i + "/" + j;
                if ((entry & COMPRESSED) != 0) {
                    if ((entry & COPIED) != 0) {
                        throw Qcow2Header.corrupt(where + " is compressed and marked copied");
                    }
                    long host = entry & compressedMask;
                    long length = (((entry & ~COMPRESSED) >>> x) + 1) * 512 - (host & 511);
                    if (host < clusterSize || host >= fileSize) {
                        throw Qcow2Header.corrupt(
                                where + " points at " + host + ", outside the file");
                    }
                    String owner = claims.owner(host, length);
                    if (owner != null) {
                        throw Qcow2Header.corrupt(where + " points into the " + owner);
                    }
                    long lastByte = Math.min(host + length, fileSize) - 1;
                    for (long c = host >>> clusterBits; c <= lastByte >>> clusterBits; c++) {
                        uses.add(c);
                    }
                    continue;
                }
                if ((entry & L2_RESERVED) != 0) {
                    throw Qcow2Header.corrupt(where + " has reserved bits set");
                }
                if ((entry & ZERO) != 0 && header.version() < 3) {
                    throw Qcow2Header.corrupt(where + " has the zero flag in a version 2 image");
                }
                long host = entry & OFFSET_MASK;
                if (host == 0) {
                    if ((entry & COPIED) != 0) {
                        throw Qcow2Header.corrupt(where + " is unallocated but marked copied");
                    }
                    continue;
                }
                if ((host & clusterMask) != 0) {
                    throw Qcow2Header.corrupt(where + " is not cluster aligned");
                }
                if (host >= fileSize) {
                    throw Qcow2Header.corrupt(
                            where + " maps cluster offset " + host + " past the end of the file");
                }
                String owner = claims.owner(host, clusterSize);
                if (owner != null) {
                    throw Qcow2Header.corrupt(where + " maps a data cluster into the " + owner);
                }
                uses.add(host >>> clusterBits);
                if ((entry & COPIED) != 0) {
                    copiedData.put(host >>> clusterBits, Boolean.TRUE);
                }
            }
        }
        int perBlock = clusterSize / 2;
        long fileEnd = roundUp(fileSize, clusterSize);
        for (Map.Entry<Long, char[]> e : blocks.entrySet()) {
            char[] counts = e.getValue();
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] != 0) {
                    long cluster = e.getKey() * perBlock + k;
                    fileEnd = Math.max(fileEnd, (cluster + 1) << clusterBits);
                }
            }
        }
        for (long cluster = uses.once.nextSetBit(0);
                cluster >= 0;
                cluster = uses.once.nextSetBit((int) cluster + 1)) {
            char[] counts = blocks.get(cluster / perBlock);
            int stored = counts == null ? 0 : counts[(int) (cluster % perBlock)];
            int used = uses.count(cluster);
            if (stored < used) {
                throw Qcow2Header.corrupt(
                        "cluster at "
                                + (cluster << clusterBits)
                                + " is used "
                                + used
                                + " times but its refcount is "
                                + stored);
            }
            if (copiedData.containsKey(cluster) && stored != 1) {
                throw Qcow2Header.corrupt(
                        "cluster at "
                                + (cluster << clusterBits)
                                + " is marked copied but its refcount is "
                                + stored);
            }
            if (cluster == Integer.MAX_VALUE) {
                break;
            }
        }
        return new Structure(l1, refcountTable, fileEnd);
    }

    private static void checkInside(String what, long offset, int clusterSize, long fileSize)
            throws ImageFormatException {
        if ((offset & (clusterSize - 1)) != 0) {
            throw Qcow2Header.corrupt(what + " at " + offset + " is not cluster aligned");
        }
        if (offset > fileSize - clusterSize) {
            throw Qcow2Header.corrupt(what + " at " + offset + " lies past the end of the file");
        }
    }

    private static void addUses(Uses uses, long offset, long length, int clusterBits)
            throws ImageFormatException {
        for (long c = offset >>> clusterBits; c < (offset + length) >>> clusterBits; c++) {
            uses.add(c);
        }
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    // ---- creation ----

    /**
     * Creates a version 3 image of {@code size} bytes with clusters of {@code 1 << clusterBits}
     * bytes, laid out like {@code qemu-img create}: header, refcount table, one refcount block, L1
     * table. With a backing file, the name and format are stored as given; a store resolves them
     * later. Fails if the file exists.
     */
    public static void create(
            Path path, long size, int clusterBits, String backingFile, ImageFormat backingFormat)
            throws IOException {
        if (clusterBits < 9 || clusterBits > 21) {
            throw new IllegalArgumentException("cluster bits must be 9..21");
        }
        if (size < 0 || size > DEFAULT_SIZE_CAP) {
            throw new IllegalArgumentException("size outside 0.." + DEFAULT_SIZE_CAP);
        }
        int clusterSize = 1 << clusterBits;
        long bytesPerL2 = (long) clusterSize * (clusterSize / 8);
        int l1Size = (int) ((size + bytesPerL2 - 1) / bytesPerL2);
        long l1Clusters = Math.max(1, roundUp((long) l1Size * 8, clusterSize) / clusterSize);
        ByteBuffer head = ByteBuffer.allocate(clusterSize);
        head.putInt(0, Qcow2Header.MAGIC).putInt(4, 3);
        head.putInt(20, clusterBits).putLong(24, size);
        head.putInt(36, l1Size).putLong(48, clusterSize);
        head.putInt(96, 4).putInt(100, 112);
        int at = 112;
        if (backingFile != null) {
            byte[] format = backingFormat.qemuName().getBytes(StandardCharsets.US_ASCII);
            head.putInt(at, Qcow2Header.EXTENSION_BACKING_FORMAT).putInt(at + 4, format.length);
            head.put(at + 8, format);
            at += 8 + (int) roundUp(format.length, 8);
        }
        at += 8; // end of extensions (type 0, length 0)
        if (backingFile != null) {
            byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
            if (name.length == 0
                    || name.length > Qcow2Header.MAX_BACKING_NAME
                    || at + name.length > clusterSize) {
                throw new IllegalArgumentException("backing file name too long for the header");
            }
            head.put(at, name);
            head.putLong(8, at).putInt(16, name.length);
        }
        // Header, refcount table, refcount blocks, L1 table: grow the counts until the blocks
        // count every cluster of the layout, themselves included.
        int perBlock = clusterSize / 2;
        long tableClusters = 1;
        long blocks = 1;
        while (true) {
            long used = 1 + tableClusters + blocks + l1Clusters;
            long needBlocks = (used + perBlock - 1) / perBlock;
            long needTable = Math.max(1, roundUp(needBlocks * 8, clusterSize) / clusterSize);
            if (needBlocks == blocks && needTable == tableClusters) {
                break;
            }
            blocks = needBlocks;
            tableClusters = needTable;
        }
        long used = 1 + tableClusters + blocks + l1Clusters;
        long l1Offset = (1 + tableClusters + blocks) * clusterSize;
        head.putLong(40, l1Offset).putInt(56, (int) tableClusters);
        ByteBuffer table = ByteBuffer.allocate((int) (tableClusters * clusterSize));
        ByteBuffer counts = ByteBuffer.allocate((int) (blocks * clusterSize));
        for (int b = 0; b < blocks; b++) {
            table.putLong(8 * b, (1 + tableClusters + b) * clusterSize);
        }
        for (int c = 0; c < used; c++) {
            counts.putChar(2 * c, (char) 1);
        }
        try (FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAll(channel, head, 0);
            writeAll(channel, table, clusterSize);
            writeAll(channel, counts, (1 + tableClusters) * clusterSize);
            writeAll(channel, ByteBuffer.allocate(1), used * clusterSize - 1);
            channel.force(true);
        }
    }

    private static void writeAll(FileChannel channel, ByteBuffer source, long offset)
            throws IOException {
        while (source.hasRemaining()) {
            channel.write(source, offset + source.position());
        }
    }
}
