package org.atrium.host.api;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmSupervisor;

/**
 * At startup, readies every stored snapshot for its clones in the background, the most recent first
 * ({@link MachineFactory#prepareInBackground}); the host serves requests meanwhile.
 */
@ApplicationScoped
public class SnapshotPreparationLifecycle {
    void start(@Observes StartupEvent event, SnapshotStore snapshots, VmSupervisor supervisor) {
        prepareAll(snapshots, supervisor);
    }

    static void prepareAll(SnapshotStore snapshots, VmSupervisor supervisor) {
        for (String name : snapshots.names()) {
            supervisor.prepareInBackground(name);
        }
    }
}
