package org.atrium.emulator.device;

/** An interrupt line that records its level and counts rising edges. */
public final class RecordingLine implements InterruptLine {
    private boolean level;
    private int risingEdges;

    @Override
    public void raise() {
        if (!level) {
            risingEdges++;
        }
        level = true;
    }

    @Override
    public void lower() {
        level = false;
    }

    public boolean level() {
        return level;
    }

    public int risingEdges() {
        return risingEdges;
    }
}
