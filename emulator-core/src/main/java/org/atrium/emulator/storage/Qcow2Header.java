package org.atrium.emulator.storage;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The qcow2 header (QEMU docs/interop/qcow2.txt, "Header" and "Header extensions"), parsed from the
 * first cluster of an image and checked field by field. Only what Atrium implements passes:
 * versions 2 and 3, 16-bit refcounts, zlib compression, no encryption, no external data file, no
 * extended L2 entries.
 */
record Qcow2Header(
        int version,
        int clusterBits,
        long size,
        int l1Size,
        long l1TableOffset,
        long refcountTableOffset,
        int refcountTableClusters,
        int snapshotCount,
        long snapshotsOffset,
        long incompatibleFeatures,
        long compatibleFeatures,
        long autoclearFeatures,
        int headerLength,
        String backingFile,
        ImageFormat backingFormat) {

    static final int MAGIC = 0x514649fb;
    static final int V2_HEADER_LENGTH = 72;
    static final int V3_HEADER_LENGTH = 104;
    static final long INCOMPATIBLE_DIRTY = 1;
    static final long INCOMPATIBLE_CORRUPT = 1 << 1;
    static final long INCOMPATIBLE_EXTERNAL_DATA = 1 << 2;
    static final long INCOMPATIBLE_COMPRESSION_TYPE = 1 << 3;
    static final long INCOMPATIBLE_EXTENDED_L2 = 1 << 4;
    static final int EXTENSION_END = 0;
    static final int EXTENSION_BACKING_FORMAT = 0xe2792aca;
    static final int EXTENSION_FEATURE_TABLE = 0x6803f857;
    static final int EXTENSION_EXTERNAL_DATA = 0x44415441;
    static final int EXTENSION_ENCRYPTION = 0x0537be77;
    static final int MAX_BACKING_NAME = 1023;

    /** QEMU's own limits (QCOW_MAX_L1_SIZE, QCOW_MAX_REFTABLE_SIZE): larger tables are hostile. */
    static final long MAX_L1_BYTES = 32L << 20;

    static final long MAX_REFCOUNT_TABLE_BYTES = 8L << 20;

    int clusterSize() {
        return 1 << clusterBits;
    }

    /**
     * Parses and checks a header. {@code first} holds the start of the file (the whole first
     * cluster when the file is that long).
     */
    static Qcow2Header parse(ByteBuffer first, long fileSize, long sizeCap)
            throws ImageFormatException {
        if (first.limit() < V2_HEADER_LENGTH) {
            throw corrupt("truncated: " + fileSize + " bytes are too few for a qcow2 header");
        }
        if (first.getInt(0) != MAGIC) {
            throw corrupt("not a qcow2 image (bad magic)");
        }
        int version = first.getInt(4);
        if (version != 2 && version != 3) {
            throw unsupported("qcow2 version " + version + " (only 2 and 3)");
        }
        long backingOffset = first.getLong(8);
        int backingSize = first.getInt(16);
        int clusterBits = first.getInt(20);
        if (clusterBits < 9 || clusterBits > 21) {
            throw corrupt("cluster_bits " + clusterBits + " outside 9..21");
        }
        int clusterSize = 1 << clusterBits;
        long size = first.getLong(24);
        int cryptMethod = first.getInt(32);
        int l1Size = first.getInt(36);
        long l1Offset = first.getLong(40);
        long refcountTableOffset = first.getLong(48);
        int refcountTableClusters = first.getInt(56);
        int snapshotCount = first.getInt(60);
        long snapshotsOffset = first.getLong(64);
        long incompatible = 0;
        long compatible = 0;
        long autoclear = 0;
        int refcountOrder = 4;
        int headerLength = V2_HEADER_LENGTH;
        if (version == 3) {
            if (first.limit() < V3_HEADER_LENGTH) {
                throw corrupt("truncated: version 3 header needs " + V3_HEADER_LENGTH + " bytes");
            }
            incompatible = first.getLong(72);
            compatible = first.getLong(80);
            autoclear = first.getLong(88);
            refcountOrder = first.getInt(96);
            headerLength = first.getInt(100);
            if (headerLength < V3_HEADER_LENGTH
                    || headerLength > clusterSize
                    || headerLength > first.limit()
                    || headerLength % 8 != 0) {
                throw corrupt("header_length " + headerLength + " is invalid");
            }
            if (headerLength > V3_HEADER_LENGTH && first.get(104) != 0) {
                throw unsupported("compression type " + first.get(104) + " (only zlib)");
            }
        }
        Map<Integer, String> featureNames = new HashMap<>();
        String[] backingFormatName = {null};
        readExtensions(
                first, headerLength, backingOffset, clusterSize, featureNames, backingFormatName);
        checkIncompatible(incompatible, featureNames);
        if (refcountOrder != 4) {
            throw unsupported(
                    "refcount_order "
                            + refcountOrder
                            + " ("
                            + (1 << Math.min(refcountOrder, 30))
                            + "-bit refcounts); only 16-bit refcounts");
        }
        if (cryptMethod != 0) {
            throw unsupported("encrypted image (crypt_method " + cryptMethod + ")");
        }
        if (size < 0 || size > sizeCap) {
            throw corrupt("virtual size " + size + " exceeds the cap of " + sizeCap + " bytes");
        }
        long bytesPerL2 = (long) clusterSize * (clusterSize / 8);
        long l1Needed = (size + bytesPerL2 - 1) / bytesPerL2;
        if (l1Size < 0 || (long) l1Size * 8 > MAX_L1_BYTES) {
            throw corrupt("L1 table of " + Integer.toUnsignedString(l1Size) + " entries is absurd");
        }
        if (l1Size < l1Needed) {
            throw corrupt(
                    "L1 table of "
                            + l1Size
                            + " entries cannot map a virtual size of "
                            + size
                            + " bytes (needs "
                            + l1Needed
                            + ")");
        }
        checkTable("L1 table", l1Offset, (long) l1Size * 8, clusterSize, fileSize, l1Size > 0);
        if (refcountTableClusters <= 0
                || (long) refcountTableClusters * clusterSize > MAX_REFCOUNT_TABLE_BYTES) {
            throw corrupt(
                    "refcount table of "
                            + Integer.toUnsignedString(refcountTableClusters)
                            + " clusters is absurd");
        }
        checkTable(
                "refcount table",
                refcountTableOffset,
                (long) refcountTableClusters * clusterSize,
                clusterSize,
                fileSize,
                true);
        if (snapshotCount < 0 || snapshotCount > 65536) {
            throw corrupt("snapshot count " + Integer.toUnsignedString(snapshotCount));
        }
        if (snapshotCount > 0) {
            checkTable("snapshot table", snapshotsOffset, 40, clusterSize, fileSize, true);
        }
        String backing = null;
        if (backingOffset != 0) {
            if (backingSize <= 0 || backingSize > MAX_BACKING_NAME) {
                throw corrupt("backing file name of " + backingSize + " bytes");
            }
            if (backingOffset < 0
                    || backingOffset + backingSize > Math.min(first.limit(), clusterSize)) {
                throw corrupt("backing file name lies outside the header cluster");
            }
            byte[] name = new byte[backingSize];
            first.get((int) backingOffset, name);
            try {
                backing =
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(name))
                                .toString();
            } catch (CharacterCodingException e) {
                throw corrupt("backing file name is not UTF-8");
            }
            if (backing.indexOf('\0') >= 0) {
                throw corrupt("backing file name contains a NUL byte");
            }
        }
        ImageFormat backingFormat =
                backingFormatName[0] == null ? null : ImageFormat.ofQemuName(backingFormatName[0]);
        return new Qcow2Header(
                version,
                clusterBits,
                size,
                l1Size,
                l1Offset,
                refcountTableOffset,
                refcountTableClusters,
                snapshotCount,
                snapshotsOffset,
                incompatible,
                compatible,
                autoclear,
                headerLength,
                backing,
                backingFormat);
    }

    private static void readExtensions(
            ByteBuffer first,
            int start,
            long backingOffset,
            int clusterSize,
            Map<Integer, String> featureNames,
            String[] backingFormat)
            throws ImageFormatException {
        // Extensions end at the backing file name if there is one, else at the end of the cluster.
        long end = Math.min(first.limit(), clusterSize);
        if (backingOffset > start && backingOffset < end) {
            end = backingOffset;
        }
        long at = start;
        while (true) {
            if (at + 8 > end) {
                // A v2 image may have no extension area at all; anything else must end with type 0.
                if (at == start) {
                    return;
                }
                throw corrupt("header extensions run past the header cluster");
            }
            int type = first.getInt((int) at);
            long length = Integer.toUnsignedLong(first.getInt((int) at + 4));
            if (type == EXTENSION_END) {
                return;
            }
            long data = at + 8;
            if (data + length > end) {
                throw corrupt(
                        "header extension 0x" + Integer.toHexString(type) + " runs past its area");
            }
            switch (type) {
                case EXTENSION_BACKING_FORMAT -> {
                    byte[] name = new byte[(int) length];
                    first.get((int) data, name);
                    backingFormat[0] = new String(name, StandardCharsets.US_ASCII);
                }
                case EXTENSION_FEATURE_TABLE -> {
                    for (long e = data; e + 48 <= data + length; e += 48) {
                        int kind = first.get((int) e);
                        int bit = first.get((int) e + 1) & 0xFF;
                        byte[] name = new byte[46];
                        first.get((int) e + 2, name);
                        int n = 0;
                        while (n < name.length && name[n] != 0) {
                            n++;
                        }
                        if (kind == 0 && bit < 64) {
                            featureNames.put(
                                    bit, new String(name, 0, n, StandardCharsets.US_ASCII));
                        }
                    }
                }
                case EXTENSION_EXTERNAL_DATA -> throw unsupported("external data file");
                case EXTENSION_ENCRYPTION -> throw unsupported("encrypted image (LUKS)");
                default -> {
                    // Unknown extensions (bitmaps, future ones) only matter to writers that know
                    // them; their autoclear bits are cleared before Atrium writes.
                }
            }
            at = data + ((length + 7) & ~7L);
        }
    }

    private static void checkIncompatible(long features, Map<Integer, String> names)
            throws ImageFormatException {
        if ((features & INCOMPATIBLE_DIRTY) != 0) {
            throw unsupported(
                    "dirty image: it was not closed cleanly while lazy refcounts were on, so its"
                            + " refcounts need repair (qemu-img check -r all); Atrium never"
                            + " repairs");
        }
        if ((features & INCOMPATIBLE_CORRUPT) != 0) {
            throw corrupt("image is marked corrupt by the corrupt feature bit");
        }
        if ((features & INCOMPATIBLE_EXTERNAL_DATA) != 0) {
            throw unsupported("external data file");
        }
        if ((features & INCOMPATIBLE_COMPRESSION_TYPE) != 0) {
            throw unsupported("compression type other than zlib");
        }
        if ((features & INCOMPATIBLE_EXTENDED_L2) != 0) {
            throw unsupported("extended L2 entries (subclusters)");
        }
        long unknown = features & ~0x1FL;
        if (unknown != 0) {
            int bit = Long.numberOfTrailingZeros(unknown);
            throw unsupported(
                    "unknown incompatible feature bit "
                            + bit
                            + (names.containsKey(bit) ? " (" + names.get(bit) + ")" : ""));
        }
    }

    private static void checkTable(
            String what, long offset, long length, int clusterSize, long fileSize, boolean present)
            throws ImageFormatException {
        if (!present) {
            return;
        }
        if (offset <= 0 || offset % clusterSize != 0) {
            throw corrupt(
                    what + " offset " + offset + " is not a cluster boundary after the header");
        }
        if (offset > fileSize - length) {
            throw corrupt(what + " at " + offset + " runs past the end of the file");
        }
    }

    static ImageFormatException corrupt(String message) {
        return new ImageFormatException("corrupt qcow2 image: " + message);
    }

    static ImageFormatException unsupported(String message) {
        return new ImageFormatException("unsupported qcow2 image: " + message);
    }
}
