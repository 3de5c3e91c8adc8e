package org.atrium.host.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.atrium.host.vm.MachineFactory;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmMachine;
import org.atrium.host.vm.VmSpec;
import org.atrium.host.vm.VmSupervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotPreparationLifecycleTest {
    @TempDir Path dir;

    /** A factory that builds nothing and records which snapshots it was asked to ready. */
    private static final class Recording implements MachineFactory {
        final List<String> prepared = new CopyOnWriteArrayList<>();

        @Override
        public VmMachine create(String id, VmSpec spec) {
            throw new AssertionError("no VM is made at startup");
        }

        @Override
        public CompletableFuture<?> prepareInBackground(String name, Consumer<VmMachine> started) {
            prepared.add(name);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void atStartupEveryStoredSnapshotIsReadiedTheNewestFirst() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        Instant t = Instant.parse("2026-11-25T00:00:00Z");
        int age = 3;
        for (String name : List.of("monday", "wednesday", "tuesday")) {
            store.save(name, "template", 16, file -> write(file));
        }
        for (String name : List.of("monday", "tuesday", "wednesday")) {
            Files.setLastModifiedTime(store.file(name), FileTime.from(t.minusSeconds(age--)));
        }
        Recording factory = new Recording();

        SnapshotPreparationLifecycle.prepareAll(
                store, new VmSupervisor(factory, 256, 8, store, null));

        assertEquals(List.of("wednesday", "tuesday", "monday"), factory.prepared);
    }

    private static void write(Path file) {
        try {
            Files.writeString(file, "not a real snapshot: the factory reads none");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
