// CPUID and XGETBV for Kernels' CPUFeatures. On other architectures both report nothing.
#include "native_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int imx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
    registers[0] = registers[1] = registers[2] = registers[3] = 0;
    unsigned int highest = __get_cpuid_max(leaf & 0x80000000u, 0);
    if (highest == 0 || leaf > highest) return 0;
    unsigned int a, b, c, d;
    __cpuid_count(leaf, subleaf, a, b, c, d);
    registers[0] = a; registers[1] = b; registers[2] = c; registers[3] = d;
    return 1;
}

uint64_t imx_xcr0(void) {
    uint32_t registers[4];
    if (!imx_cpuid(1, 0, registers)) return 0;
    // OSXSAVE (ECX bit 27): the OS enabled XSAVE, so XGETBV is available.
    if (!(registers[2] & (1u << 27))) return 0;
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}
#else
int imx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
    (void)leaf; (void)subleaf;
    registers[0] = registers[1] = registers[2] = registers[3] = 0;
    return 0;
}

uint64_t imx_xcr0(void) { return 0; }
#endif
