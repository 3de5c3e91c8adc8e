package org.atrium.emulator.cpu;

/** Test programs shared by several CPU tests, with their assembly. */
final class ModeAndInterruptTestPrograms {
    private ModeAndInterruptTestPrograms() {}

    /*
     * Linked at 0x1000:
     *   cli; ds=ss=0; sp=0x7000; lgdtl gdtr; lidtl idtr; cr0.PE=1; ljmpl $0x08,$pm32
     * pm32 (32-bit): ds=es=ss=0x10; esp=0x9000; movl $0xCAFEBABE,0x100000; int $0x30
     *   mov $0x5b,%ax; mov %ax,%fs      # selector beyond the GDT limit: #GP(0x58)
     *   ljmp $0x18,$pm16
     * pm16 (16-bit): cr0.PE=0; ljmp $0,$real
     * real: ds=ss=0 (DS keeps its 4 GiB limit); lidtl idtr_real
     *   mov $0x100000,%esi; addr32 mov (%esi),%edx; hlt
     * gp_handler: pop %ecx; addl $2,(%esp); iret       int30_handler: mov $0x30,%ebx; iret
     * gdt: null, code32 flat, data32 flat, code16 base 0 limit 0xffff; idt: gates 13 and 0x30
     */
    static final String PROTECTED_ROUND_TRIP =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 a8 10 66 0f 01 1e ae 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " c7 05 00 00 10 00 be ba fe ca cd 30 66 b8 5b 00 8e e0 ea 50 10 00 00 18 00 0f"
                + " 20 c0 66 83 e0 fe 0f 22 c0 ea 5f 10 00 00 31 c0 8e d8 8e d0 66 0f 01 1e b4 10"
                + " 66 be 00 00 10 00 67 66 8b 16 f4 59 83 04 24 02 cf bb 30 00 00 00 cf 8d b6"
                + " 00*12 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00 ff ff 00 00 00 9a 00 00"
                + " 1f 00 88 10 00 00 87 01 c0 10 00 00 ff 03 00 00 00 00 8d b6 00*108 76 10 08 00"
                + " 00 8e 00*274 7c 10 08 00 00 8e 00 00";
}
