package org.atrium.emulator.cpu;

/**
 * An emulator bug or device error that escaped the interpreter (a Java exception, not a guest
 * exception). The CPU stops and reports it instead of letting it unwind the machine's thread.
 *
 * @param message what happened, with the guest CS:EIP of the instruction being executed
 * @param cause the Java exception
 */
public record CpuFailure(String message, Throwable cause) {}
