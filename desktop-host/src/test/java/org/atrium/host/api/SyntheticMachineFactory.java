package org.atrium.host.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
import org.atrium.host.vm.MachineFactory;
import org.atrium.host.vm.VmMachine;
import org.atrium.host.vm.VmSpec;
import org.atrium.host.vm.VmState;

/**
 * Stands in for {@code PcMachine} in the API tests, where each real guest would take most of a
 * minute to boot: a machine with a 320x200 single-colour screen that records its life cycle and
 * input.
 */
@ApplicationScoped
public class SyntheticMachineFactory implements MachineFactory {
    final List<SyntheticMachine> created = new CopyOnWriteArrayList<>();

    /** The machine made last (a method: fields of a CDI client proxy are not the bean's). */
    SyntheticMachine last() {
        return created.getLast();
    }

    int count() {
        return created.size();
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
        SyntheticMachine m = new SyntheticMachine(spec);
        created.add(m);
        return m;
    }

    static final class SyntheticMachine implements VmMachine, DisplaySurface {
        final VmSpec spec;
        volatile VmState state = VmState.STOPPED;
        volatile int resets;
        final List<Integer> keys = new CopyOnWriteArrayList<>();
        final java.io.ByteArrayOutputStream serialTyped = new java.io.ByteArrayOutputStream();

        SyntheticMachine(VmSpec spec) {
            this.spec = spec;
        }

        /** What the host typed into the serial port so far. */
        String serialTyped() {
            synchronized (serialTyped) {
                return serialTyped.toString(java.nio.charset.StandardCharsets.US_ASCII);
            }
        }

        @Override
        public long cpuTimeNanos() {
            return state == VmState.RUNNING ? 1_000_000L : 0;
        }

        /** Writes the spec as the "state": enough to see that a snapshot file was made. */
        @Override
        public void saveSnapshot(java.nio.file.Path file) {
            try {
                java.nio.file.Files.writeString(file, spec.toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void start() {
            state = VmState.RUNNING;
        }

        @Override
        public void reset() {
            resets++;
        }

        @Override
        public void stop() {
            state = VmState.STOPPED;
        }

        @Override
        public VmState state() {
            return state;
        }

        @Override
        public DisplaySurface display() {
            return this;
        }

        @Override
        public KeyboardInput keyboard() {
            return (code, pressed) -> keys.add(code);
        }

        @Override
        public PointerInput pointer() {
            return (x, y, b) -> {};
        }

        @Override
        public java.io.InputStream serialFromGuest() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public java.io.OutputStream serialToGuest() {
            return new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (serialTyped) {
                        serialTyped.write(b);
                    }
                }
            };
        }

        @Override
        public void onExit(Consumer<org.atrium.host.vm.VmExit> listener) {}

        @Override
        public int width() {
            return 320;
        }

        @Override
        public int height() {
            return 200;
        }

        @Override
        public void read(int x, int y, int w, int h, int[] dst, int offset, int stride) {
            for (int r = 0; r < h; r++) {
                java.util.Arrays.fill(dst, offset + r * stride, offset + r * stride + w, 0x0000aa);
            }
        }

        @Override
        public void addListener(DisplayListener listener) {}

        @Override
        public void removeListener(DisplayListener listener) {}
    }
}
