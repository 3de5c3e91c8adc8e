package org.atrium.emulator.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A tiny deterministic guest for snapshot tests, booted as a bzImage by the 32-bit boot protocol.
 * It programs the 8259s and the 8254 (IRQ 0 at about 1 kHz) and counts timer interrupts; each tick
 * steps an LCG and adds 0.25 to a value the x87 keeps in ST0 all along. Every 8th tick it prints
 * {@code t=<ticks> s=<lcg> f=<int(ST0*ST0)>} in hex to COM1, after 2048 ticks {@code done}. What it
 * prints depends only on how many ticks it has seen, not on when they came, so a run that is
 * snapshotted and continued elsewhere must print exactly what an uninterrupted run prints.
 *
 * <p>Assembled with GNU as ({@code as --32; ld -m elf_i386 -Ttext=0x100000 -Tdata=0x101000; objcopy
 * -O binary}); the zero-filled IDT at the end of .data is left out (RAM starts zeroed):
 *
 * <pre>
 * # Snapshot test guest, entered by the 32-bit Linux boot protocol at 0x100000 (flat segments,
 * # interrupts off). Programs the 8259s and the 8254 (IRQ 0 at about 1 kHz) and counts timer
 * # interrupts; each tick steps an LCG and adds 0.25 to a value the x87 keeps in ST0. Every 8th tick
 * # it prints "t=<ticks> s=<lcg> f=<int(ST0*ST0)>" in hex to COM1; after 2048 ticks "done".
 * # The output depends only on the number of ticks, not on when they came.
 *         .code32
 *         .text
 *         .globl _start
 * _start:
 *         cli
 *         movl $0x180000, %esp
 *         # IDT: vectors 0-0x2F to a handler that just returns, 0x20 to the timer handler.
 *         movl $idt, %edi
 *         xorl %ecx, %ecx
 * 1:      movl $ignore, %eax
 *         cmpl $0x20, %ecx
 *         jne 2f
 *         movl $timer, %eax
 * 2:      movw %ax, (%edi)
 *         movw $0x10, 2(%edi)
 *         movw $0x8E00, 4(%edi)
 *         shrl $16, %eax
 *         movw %ax, 6(%edi)
 *         addl $8, %edi
 *         incl %ecx
 *         cmpl $0x30, %ecx
 *         jb 1b
 *         lidt idtr
 *         # 8259s: ICW1-4, vectors 0x20 and 0x28, only IRQ 0 unmasked.
 *         movb $0x11, %al
 *         outb %al, $0x20
 *         outb %al, $0xA0
 *         movb $0x20, %al
 *         outb %al, $0x21
 *         movb $0x28, %al
 *         outb %al, $0xA1
 *         movb $0x04, %al
 *         outb %al, $0x21
 *         movb $0x02, %al
 *         outb %al, $0xA1
 *         movb $0x01, %al
 *         outb %al, $0x21
 *         outb %al, $0xA1
 *         movb $0xFE, %al
 *         outb %al, $0x21
 *         movb $0xFF, %al
 *         outb %al, $0xA1
 *         # COM1: 115200 8N1.
 *         movw $0x3FB, %dx
 *         movb $0x80, %al
 *         outb %al, %dx
 *         movw $0x3F8, %dx
 *         movb $1, %al
 *         outb %al, %dx
 *         movw $0x3F9, %dx
 *         xorb %al, %al
 *         outb %al, %dx
 *         movw $0x3FB, %dx
 *         movb $0x03, %al
 *         outb %al, %dx
 *         # 8254 counter 0: mode 2, 1193 counts (about 1 kHz).
 *         movb $0x34, %al
 *         outb %al, $0x43
 *         movw $1193, %ax
 *         outb %al, $0x40
 *         movb %ah, %al
 *         outb %al, $0x40
 *         fninit
 *         fldz
 *         sti
 * idle:   hlt
 *         cmpl $2048, ticks
 *         jb idle
 *         cli
 *         movl $donemsg, %esi
 *         call puts
 * 3:      hlt
 *         jmp 3b
 *
 * ignore: iret
 *
 * timer:  pusha
 *         incl ticks
 *         movl seed, %eax
 *         imull $1103515245, %eax, %eax
 *         addl $12345, %eax
 *         movl %eax, seed
 *         fadds quarter
 *         testl $7, ticks
 *         jnz 4f
 *         movl $tmsg, %esi
 *         call puts
 *         movl ticks, %eax
 *         call puthex
 *         movl $smsg, %esi
 *         call puts
 *         movl seed, %eax
 *         call puthex
 *         movl $fmsg, %esi
 *         call puts
 *         fld %st(0)
 *         fmul %st(0), %st
 *         fistpl scratch
 *         movl scratch, %eax
 *         call puthex
 *         movb $10, %al
 *         call putc
 * 4:      movb $0x20, %al
 *         outb %al, $0x20
 *         popa
 *         iret
 *
 * # puts: the NUL-terminated string at ESI.
 * puts:   lodsb
 *         testb %al, %al
 *         jz 5f
 *         call putc
 *         jmp puts
 * 5:      ret
 *
 * # puthex: EAX as 8 hex digits.
 * puthex: movl $8, %ecx
 *         movl %eax, %ebx
 * 6:      roll $4, %ebx
 *         movl %ebx, %eax
 *         andl $15, %eax
 *         movb hexdigits(%eax), %al
 *         call putc
 *         loop 6b
 *         ret
 *
 * # putc: AL to COM1 once its transmitter holding register is empty.
 * putc:   movb %al, %ah
 *         movw $0x3FD, %dx
 * 7:      inb %dx, %al
 *         testb $0x20, %al
 *         jz 7b
 *         movw $0x3F8, %dx
 *         movb %ah, %al
 *         outb %al, %dx
 *         ret
 *
 *         .data
 *         .align 8
 * idtr:   .word 0x30 * 8 - 1
 *         .long idt
 * ticks:  .long 0
 * seed:   .long 1
 * scratch: .long 0
 * quarter: .float 0.25
 * hexdigits: .ascii "0123456789abcdef"
 * tmsg:   .asciz "t="
 * smsg:   .asciz " s="
 * fmsg:   .asciz " f="
 * donemsg: .asciz "done\n"
 *         .align 8
 * idt:    .fill 0x30 * 8, 1, 0
 * </pre>
 */
final class SnapshotTestGuest {
    static final String DONE = "done\n";

    private static final String TEXT =
            "fa bc 00 00 18 00 bf 38 10 10 00 31 c9 b8 b0 00 10 00 83 f9 20 75 05 b8 b1 00 10 00 66"
                + " 89 07 66 c7 47 02 10 00 66 c7 47 04 00 8e c1 e8 10 66 89 47 06 83 c7 08 41 83"
                + " f9 30 72 d2 0f 01 1d 00 10 10 00 b0 11 e6 20 e6 a0 b0 20 e6 21 b0 28 e6 a1 b0"
                + " 04 e6 21 b0 02 e6 a1 b0 01 e6 21 e6 a1 b0 fe e6 21 b0 ff e6 a1 66 ba fb 03 b0"
                + " 80 ee 66 ba f8 03 b0 01 ee 66 ba f9 03 30 c0 ee 66 ba fb 03 b0 03 ee b0 34 e6"
                + " 43 66 b8 a9 04 e6 40 88 e0 e6 40 db e3 d9 ee fb f4 81 3d 06 10 10 00 00 08 00"
                + " 00 72 f3 fa be 31 10 10 00 e8 85 00 00 00 f4 eb fd cf 60 ff 05 06 10 10 00 a1"
                + " 0a 10 10 00 69 c0 6d 4e c6 41 05 39 30 00 00 a3 0a 10 10 00 d8 05 12 10 10 00"
                + " f7 05 06 10 10 00 07 00 00 00 75 4d be 26 10 10 00 e8 49 00 00 00 a1 06 10 10"
                + " 00 e8 4c 00 00 00 be 29 10 10 00 e8 35 00 00 00 a1 0a 10 10 00 e8 38 00 00 00"
                + " be 2d 10 10 00 e8 21 00 00 00 d9 c0 d8 c8 db 1d 0e 10 10 00 a1 0e 10 10 00 e8"
                + " 1a 00 00 00 b0 0a e8 30 00 00 00 b0 20 e6 20 61 cf ac 84 c0 74 07 e8 20 00 00"
                + " 00 eb f4 c3 b9 08 00 00 00 89 c3 c1 c3 04 89 d8 83 e0 0f 8a 80 16 10 10 00 e8"
                + " 03 00 00 00 e2 eb c3 88 c4 66 ba fd 03 ec a8 20 74 fb 66 ba f8 03 88 e0 ee c3";

    private static final String DATA =
            "7f 01 38 10 10 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 80 3e 30 31 32 33 34 35 36"
                + " 37 38 39 61 62 63 64 65 66 74 3d 00 20 73 3d 00 20 66 3d 00 64 6f 6e 65 0a 00"
                + " 00";

    private SnapshotTestGuest() {}

    /** The guest as a bzImage: boot sector, 4 setup sectors, .text at 0x100000, .data 4 KiB on. */
    static byte[] bzImage() {
        byte[] text = HexFormat.ofDelimiter(" ").parseHex(TEXT);
        byte[] data = HexFormat.ofDelimiter(" ").parseHex(DATA);
        int kernelBytes = 0x2000;
        ByteBuffer b = ByteBuffer.allocate(5 * 512 + kernelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) 4);
        b.putInt(0x1F4, kernelBytes / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x201, (byte) 0x6A);
        b.putInt(0x202, 0x53726448); // "HdrS"
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 1); // LOADED_HIGH
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x238, 255);
        b.put(5 * 512, text);
        b.put(5 * 512 + 0x1000, data);
        return b.array();
    }

    /** Writes the guest into {@code dir} and returns a 16 MiB machine that boots it. */
    static MachineConfig config(Path dir) throws IOException {
        Path kernel = Files.write(dir.resolve("snapshot-guest.bzImage"), bzImage());
        return MachineConfig.linux(16, null, kernel, null, null);
    }
}
