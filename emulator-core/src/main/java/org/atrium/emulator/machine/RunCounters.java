package org.atrium.emulator.machine;

/**
 * What a machine's thread has done since it started, for telling where an idle VM's host CPU goes:
 * divide the differences of two readings by the interrupts taken to get the cost of one guest timer
 * tick.
 *
 * @param instructions guest instructions run (and exceptions raised instead)
 * @param sleeps times the thread slept because the guest CPU was halted with nothing to do
 * @param slackSleeps those of the sleeps taken while the machine was idle with its idle timer slack
 *     in force ({@link MachineConfig#idleTimerSlack()})
 * @param timerExpiries virtual-clock timer callbacks run (device deadlines, display refreshes)
 * @param portAccesses I/O port reads and writes of the guest
 * @param interrupts hardware interrupts the CPU took from the interrupt controllers
 * @param decodedBlockSwitches times the CPU's cache of decoded blocks was turned on or off ({@link
 *     DecodedBlocks#WHEN_BUSY})
 */
public record RunCounters(
        long instructions,
        long sleeps,
        long slackSleeps,
        long timerExpiries,
        long portAccesses,
        long interrupts,
        long decodedBlockSwitches) {

    /** The counts that accrued from {@code earlier} to this reading. */
    public RunCounters since(RunCounters earlier) {
        return new RunCounters(
                instructions - earlier.instructions,
                sleeps - earlier.sleeps,
                slackSleeps - earlier.slackSleeps,
                timerExpiries - earlier.timerExpiries,
                portAccesses - earlier.portAccesses,
                interrupts - earlier.interrupts,
                decodedBlockSwitches - earlier.decodedBlockSwitches);
    }
}
