package org.atrium.emulator.device.keyboard;

/**
 * What the PS/2 keyboard and mouse share: the queue of bytes they send to their controller, and the
 * acknowledge byte that answers most commands.
 */
abstract class QueuedPs2Device implements Ps2Device {
    static final int ACK = 0xFA;

    final Ps2OutputQueue queue;

    /**
     * @param dataReady told when the device queued a byte for its controller
     */
    QueuedPs2Device(Runnable dataReady) {
        this.queue = new Ps2OutputQueue(dataReady);
    }

    @Override
    public final boolean hasData() {
        return queue.hasData();
    }

    @Override
    public final int take() {
        return queue.take();
    }

    final void send(int... bytes) {
        queue.send(bytes);
    }
}
