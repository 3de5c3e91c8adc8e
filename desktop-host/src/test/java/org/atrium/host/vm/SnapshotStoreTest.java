package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir Path dir;

    @Test
    void namesListsStoredSnapshotsTheNewestFirst() throws Exception {
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
        assertEquals(List.of(), store.names(), "no directory yet: no snapshots");
        Instant t = Instant.parse("2026-11-25T00:00:00Z");
        for (String name : List.of("old", "new", "middle")) {
            store.save(name, "vm", 16, file -> write(file, name));
        }
        touch(store.file("old"), t);
        touch(store.file("middle"), t.plusSeconds(60));
        touch(store.file("new"), t.plusSeconds(120));
        // Not snapshots: no metadata, a name the store never makes, a partial write.
        write(store.dir().resolve("lost.snapshot"), "x");
        write(store.dir().resolve(".hidden.snapshot"), "x");
        write(store.dir().resolve("new12345.partial"), "x");

        assertEquals(List.of("new", "middle", "old"), store.names());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void touch(Path file, Instant when) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(when));
    }
}
