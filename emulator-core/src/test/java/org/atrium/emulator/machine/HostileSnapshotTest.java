package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.atrium.emulator.snapshot.SnapshotFile;
import org.atrium.emulator.snapshot.SnapshotFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshot files as hostile input: every damaged, truncated, reordered or foreign file is refused
 * with a {@link SnapshotFormatException} that says what is wrong, and no machine comes out.
 */
class HostileSnapshotTest {
    @TempDir static Path dir;
    private static MachineConfig config;
    private static byte[] good;
    private static List<SnapshotFile.SectionInfo> layout;

    @BeforeAll
    static void takeASnapshot() throws Exception {
        config = SnapshotTestGuest.config(dir);
        PcMachine machine = new PcMachine(config);
        machine.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!machine.serialText().contains("t=00000010") && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        Path file = dir.resolve("good.atrsnap");
        machine.saveSnapshot(file, false);
        machine.stop();
        good = Files.readAllBytes(file);
        try (SnapshotFile f = SnapshotFile.open(file)) {
            layout = new ArrayList<>(f.sections().values());
        }
        // The untouched file restores and passes the whole-file check, so every refusal below is
        // caused by the damage.
        restore(good, RestoreOptions.copy()).stop();
        PcMachine.verifySnapshot(file);
    }

    private static PcMachine restore(byte[] bytes, RestoreOptions options) throws IOException {
        return PcMachine.restore(file(bytes), config, options);
    }

    private static Path file(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "case", ".atrsnap");
        Files.write(file, bytes);
        return file;
    }

    /** The whole-file check refuses it too, with a message naming what is wrong. */
    private static SnapshotFormatException unverified(byte[] bytes) throws IOException {
        Path file = file(bytes);
        return assertThrows(SnapshotFormatException.class, () -> PcMachine.verifySnapshot(file));
    }

    private static SnapshotFormatException refused(byte[] bytes, RestoreOptions options) {
        return assertThrows(SnapshotFormatException.class, () -> restore(bytes, options).stop());
    }

    /** Offset of a section's header: its payload offset minus header and padding. */
    private static int headerOffset(SnapshotFile.SectionInfo s) {
        int previousEnd = 16;
        for (SnapshotFile.SectionInfo t : layout) {
            if (t.id().equals(s.id())) {
                return previousEnd;
            }
            previousEnd = (int) (t.offset() + t.length());
        }
        throw new AssertionError(s.id());
    }

    static Stream<Arguments> sections() {
        return layout.stream().map(s -> Arguments.of(s.id()));
    }

    private static SnapshotFile.SectionInfo section(String id) {
        return layout.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("sections")
    void aFlippedByteInAnySectionIsRefused(String id) throws IOException {
        SnapshotFile.SectionInfo s = section(id);
        int header = headerOffset(s);
        int headerBytes = 1 + id.length() + 24;
        for (int at : new int[] {header, header + 1, header + headerBytes - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            refused(bad, RestoreOptions.copy());
            unverified(bad);
        }
        for (long at :
                new long[] {s.offset(), s.offset() + s.length() / 2, s.offset() + s.length() - 1}) {
            byte[] bad = good.clone();
            bad[(int) at] ^= 0x01;
            SnapshotFormatException e = refused(bad, RestoreOptions.copy());
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            assertTrue(e.getMessage().contains(id), e.getMessage());
            refused(bad, RestoreOptions.mapPrivate());
            SnapshotFormatException checked = unverified(bad);
            assertEquals("section '" + id + "': checksum mismatch", checked.getMessage());
        }
    }

    @Test
    void aFlippedPaddingByteBeforeRamIsRefused() {
        SnapshotFile.SectionInfo ram = section("ram");
        byte[] bad = good.clone();
        bad[(int) ram.offset() - 1] = 1;
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("padding"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefused() {
        List<Integer> cuts = new ArrayList<>(List.of(0, 7, 15, 16, 17, good.length - 1));
        for (SnapshotFile.SectionInfo s : layout) {
            cuts.add(headerOffset(s) + 3);
            cuts.add((int) s.offset());
            cuts.add((int) (s.offset() + s.length() / 2));
        }
        for (int cut : cuts) {
            byte[] bad = java.util.Arrays.copyOf(good, cut);
            refused(bad, RestoreOptions.copy());
        }
        SnapshotFormatException e =
                refused(java.util.Arrays.copyOf(good, good.length - 1), RestoreOptions.copy());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 1);
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("after the last section"), e.getMessage());
    }

    @Test
    void anotherMagicIsRefused() {
        byte[] bad = good.clone();
        bad[0] = 'X';
        assertTrue(refused(bad, RestoreOptions.copy()).getMessage().contains("magic"));
    }

    @Test
    void aNewerFormatVersionIsRefused() {
        byte[] bad = good.clone();
        bad[8] = 2;
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    /** Rewrites a section header field and its header checksum, as a forger would. */
    private static byte[] forgeHeader(String id, int fieldOffset, long value, int width) {
        byte[] bad = good.clone();
        int header = headerOffset(section(id));
        int headerBytes = 1 + id.length() + 24;
        ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
        int at = header + 1 + id.length() + fieldOffset;
        if (width == 4) {
            b.putInt(at, (int) value);
        } else {
            b.putLong(at, value);
        }
        CRC32C crc = new CRC32C();
        crc.update(bad, header, headerBytes - 4);
        b.putInt(header + headerBytes - 4, (int) crc.getValue());
        return bad;
    }

    @ParameterizedTest
    @MethodSource("sections")
    void aNewerSectionVersionIsRefused(String id) {
        SnapshotFormatException e = refused(forgeHeader(id, 0, 99, 4), RestoreOptions.copy());
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        assertTrue(e.getMessage().contains(id), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("sections")
    void absurdSectionLengthsAreRefused(String id) {
        for (long length : new long[] {-1L, 1L << 40, Integer.MAX_VALUE + 1L}) {
            SnapshotFormatException e =
                    refused(forgeHeader(id, 8, length, 8), RestoreOptions.copy());
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @Test
    void unknownFlagsAreRefused() {
        SnapshotFormatException e = refused(forgeHeader("cpu", 4, 2, 4), RestoreOptions.copy());
        assertTrue(e.getMessage().contains("flags"), e.getMessage());
    }

    /** The good file's sections, changed by {@code edit}, written as a new file. */
    private static byte[] rewritten(java.util.function.Consumer<List<SnapshotFile.Section>> edit)
            throws IOException {
        Path file = dir.resolve("good.atrsnap");
        Files.write(file, good);
        List<SnapshotFile.Section> sections = new ArrayList<>();
        try (SnapshotFile f = SnapshotFile.open(file)) {
            for (SnapshotFile.SectionInfo s : f.sections().values()) {
                byte[] payload = f.read(s.id(), Long.MAX_VALUE);
                sections.add(
                        new SnapshotFile.Section(
                                s.id(),
                                s.version(),
                                s.pageAligned(),
                                java.lang.foreign.MemorySegment.ofArray(payload)));
            }
        }
        edit.accept(sections);
        Path out = dir.resolve("rewritten.atrsnap");
        SnapshotFile.write(out, sections);
        return Files.readAllBytes(out);
    }

    @Test
    void theRewriterItselfProducesALoadableFile() throws Exception {
        restore(rewritten(s -> {}), RestoreOptions.copy()).stop();
    }

    @ParameterizedTest
    @MethodSource("sections")
    void aMissingSectionIsRefused(String id) throws Exception {
        if (id.equals("rom.vga") || id.equals("pci-virtio-tablet")) {
            return; // optional: a board without a VGA BIOS has none; the tablet came later
        }
        byte[] bad = rewritten(s -> s.removeIf(x -> x.id().equals(id)));
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains(id), e.getMessage());
    }

    @Test
    void aSnapshotFromBeforeTheTabletRestoresWithTheTabletReset() throws Exception {
        byte[] old = rewritten(s -> s.removeIf(x -> x.id().equals("pci-virtio-tablet")));
        PcMachine machine = restore(old, RestoreOptions.copy());
        try {
            machine.start();
            String before = machine.serialText();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (machine.serialText().length() <= before.length()
                    && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertTrue(
                    machine.serialText().length() > before.length(),
                    "the restored guest goes on printing");
        } finally {
            machine.stop();
        }
    }

    @Test
    void aDuplicateSectionIsRefused() throws Exception {
        byte[] bad = rewritten(s -> s.add(1, s.get(1)));
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void anUnknownSectionIsRefused() throws Exception {
        byte[] bad =
                rewritten(s -> s.add(SnapshotFile.Section.of("sound-blaster", 1, new byte[4])));
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("sound-blaster"), e.getMessage());
    }

    @Test
    void aStateOfTheWrongShapeIsRefused() throws Exception {
        // The PIT's bytes under the RTC's id: right checksum, wrong record.
        byte[] bad =
                rewritten(
                        s -> {
                            SnapshotFile.Section pit =
                                    s.stream()
                                            .filter(x -> x.id().equals("pit-8254"))
                                            .findFirst()
                                            .orElseThrow();
                            s.replaceAll(
                                    x ->
                                            x.id().equals("rtc-mc146818")
                                                    ? new SnapshotFile.Section(
                                                            x.id(),
                                                            x.version(),
                                                            false,
                                                            pit.payload())
                                                    : x);
                        });
        SnapshotFormatException e = refused(bad, RestoreOptions.copy());
        assertTrue(e.getMessage().contains("Mc146818State"), e.getMessage());
    }

    @Test
    void aRamSectionNotPageAlignedIsRefused() throws Exception {
        byte[] bad =
                rewritten(
                        s ->
                                s.replaceAll(
                                        x ->
                                                x.id().equals("ram")
                                                        ? new SnapshotFile.Section(
                                                                x.id(),
                                                                x.version(),
                                                                false,
                                                                x.payload())
                                                        : x));
        refused(bad, RestoreOptions.mapPrivate());
        refused(bad, RestoreOptions.copy());
    }

    @Test
    void everySectionOfTheGoodFileIsCovered() {
        assertTrue(layout.size() >= 18, "sections: " + layout);
        assertEquals("ram", layout.get(layout.size() - 1).id());
        assertEquals(0, section("ram").offset() % SnapshotFile.PAGE);
    }
}
