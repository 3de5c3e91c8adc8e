/*
 * Native side of the CPU conformance suite (org.atrium.emulator.cpu.conformance): runs x86 test
 * cases on the real CPU in 32-bit user mode and reports the state they end in.
 *
 * Build: gcc -m32 -O1 -fno-pie -no-pie -o cpu_runner cpu_runner.c
 *
 * Protocol (all integers little-endian uint32), repeated until code_len is 0xFFFFFFFF:
 *   in : code_len, code[code_len], eax ecx edx ebx esp ebp esi edi eflags, mem[MEM_SIZE]
 *   out: vector (0xFFFFFFFF when the code ran to its end), error_code, fault_address,
 *        eax ecx edx ebx esp ebp esi edi, eip - CODE_ADDR, eflags, mem[MEM_SIZE]
 * The code runs at CODE_ADDR and is followed by a jump back to the runner; MEM_ADDR is a data page
 * that holds the case's data and stack. A fault (SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP) ends the
 * case: the registers are those the kernel saved at the fault and vector is the CPU's trap number.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x20000000u
#define MEM_ADDR 0x20010000u
#define MEM_SIZE 4096u
#define MAX_CODE 3000u

/* Shared with the trampoline below: registers in, registers out (EAX..EDI, EFLAGS). */
uint32_t in_regs[9];
uint32_t out_regs[9];
uint32_t saved_esp;
uint32_t code_entry = CODE_ADDR;
uint8_t private_stack[256] __attribute__((aligned(16)));

void run_case(void);
void exit_stub(void);

/*
 * run_case saves the runner's registers, loads EFLAGS from a private stack (so the case's stack
 * memory is not touched), loads the eight registers with MOVs (which leave the flags alone) and
 * jumps to the case; the case jumps to exit_stub, which stores the registers and EFLAGS the same way.
 */
__asm__(".text\n"
        ".globl run_case\n"
        "run_case:\n"
        "  pushal\n"
        "  pushfl\n"
        "  movl %esp, saved_esp\n"
        "  movl $private_stack+256, %esp\n"
        "  pushl in_regs+32\n"
        "  popfl\n"
        "  movl in_regs+0, %eax\n"
        "  movl in_regs+4, %ecx\n"
        "  movl in_regs+8, %edx\n"
        "  movl in_regs+12, %ebx\n"
        "  movl in_regs+16, %esp\n"
        "  movl in_regs+20, %ebp\n"
        "  movl in_regs+24, %esi\n"
        "  movl in_regs+28, %edi\n"
        "  jmp *code_entry\n"
        ".globl exit_stub\n"
        "exit_stub:\n"
        "  movl %eax, out_regs+0\n"
        "  movl %ecx, out_regs+4\n"
        "  movl %edx, out_regs+8\n"
        "  movl %ebx, out_regs+12\n"
        "  movl %esp, out_regs+16\n"
        "  movl %ebp, out_regs+20\n"
        "  movl %esi, out_regs+24\n"
        "  movl %edi, out_regs+28\n"
        "  movl $private_stack+256, %esp\n"
        "  pushfl\n"
        "  popl out_regs+32\n"
        "  movl saved_esp, %esp\n"
        "  popfl\n"
        "  popal\n"
        "  ret\n");

static sigjmp_buf fault_jump;
static volatile uint32_t fault_vector, fault_error, fault_address, fault_eip;

static void on_fault(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    greg_t *g = uc->uc_mcontext.gregs;
    (void)sig;
    fault_vector = (uint32_t)g[REG_TRAPNO];
    fault_error = (uint32_t)g[REG_ERR];
    fault_address = (uint32_t)(uintptr_t)info->si_addr;
    out_regs[0] = g[REG_EAX];
    out_regs[1] = g[REG_ECX];
    out_regs[2] = g[REG_EDX];
    out_regs[3] = g[REG_EBX];
    out_regs[4] = g[REG_UESP];
    out_regs[5] = g[REG_EBP];
    out_regs[6] = g[REG_ESI];
    out_regs[7] = g[REG_EDI];
    out_regs[8] = g[REG_EFL];
    fault_eip = g[REG_EIP];
    siglongjmp(fault_jump, 1);
}

static void read_fully(void *buffer, size_t size) {
    if (fread(buffer, 1, size, stdin) != size) {
        fprintf(stderr, "cpu_runner: input ended inside a test case\n");
        exit(2);
    }
}

static void *map_at(uint32_t address, int prot) {
    void *p = mmap((void *)(uintptr_t)address, 4096, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)(uintptr_t)address) {
        fprintf(stderr, "cpu_runner: cannot map a page at %#x\n", address);
        exit(2);
    }
    return p;
}

int main(void) {
    uint8_t *code = map_at(CODE_ADDR, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint8_t *mem = map_at(MEM_ADDR, PROT_READ | PROT_WRITE);
    static uint8_t alt_stack[65536];
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("cpu_runner: sigaltstack");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int signals[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
    static uint8_t out_buffer[1 << 16];
    setvbuf(stdout, (char *)out_buffer, _IOFBF, sizeof out_buffer);

    for (;;) {
        uint32_t len;
        read_fully(&len, 4);
        if (len == 0xFFFFFFFFu) {
            break;
        }
        if (len > MAX_CODE) {
            fprintf(stderr, "cpu_runner: code of %u bytes is too long\n", len);
            return 2;
        }
        read_fully(code, len);
        /* jmp rel32 back to exit_stub */
        uint32_t after = CODE_ADDR + len + 5;
        int32_t rel = (int32_t)((uint32_t)(uintptr_t)exit_stub - after);
        code[len] = 0xE9;
        memcpy(code + len + 1, &rel, 4);
        read_fully(in_regs, sizeof in_regs);
        read_fully(mem, MEM_SIZE);

        uint32_t result[3] = {0xFFFFFFFFu, 0, 0};
        uint32_t eip;
        if (sigsetjmp(fault_jump, 1) == 0) {
            run_case();
            eip = len;
        } else {
            result[0] = fault_vector;
            result[1] = fault_error;
            result[2] = fault_address;
            eip = fault_eip - CODE_ADDR;
        }
        /* A case may leave AC or DF set (POPF); the runner's own code needs both clear. */
        __asm__ volatile("pushfl\n andl $0xFFFBFBFF, (%%esp)\n popfl" ::: "memory", "cc");
        fwrite(result, 4, 3, stdout);
        fwrite(out_regs, 4, 8, stdout);
        fwrite(&eip, 4, 1, stdout);
        fwrite(&out_regs[8], 4, 1, stdout);
        fwrite(mem, 1, MEM_SIZE, stdout);
    }
    fflush(stdout);
    return 0;
}
