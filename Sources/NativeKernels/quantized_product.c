// The quantized product's entry points: which kernels this CPU runs, scratch sizes, and the
// loops over slices of columns (sized to the last-level cache) and, within each, over panels of
// weight rows (each unpacked and packed, then met by every activation row).
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "native_kernels.h"
#include "qp_internal.h"

static int isa_available_now(int isa);

static int has_bit(uint32_t leaf, uint32_t subleaf, int reg, int bit) {
    uint32_t r[4];
    return imx_cpuid(leaf, subleaf, r) && ((r[reg] >> bit) & 1);
}

static int isa_mask = -1; // bit i: kernel i runs here (read once; a race only repeats the same answer)

static int compute_isa_mask(void) {
    int mask = 0;
    for (int isa = IMX_QP_SCALAR; isa <= IMX_QP_AVX512VNNI; isa++) {
        if (isa_available_now(isa)) mask |= 1 << isa;
    }
    return mask;
}

int imx_qp_isa_available(int isa) {
    if (isa < 0 || isa > IMX_QP_AVX512VNNI) return 0;
    if (isa_mask < 0) isa_mask = compute_isa_mask();
    return (isa_mask >> isa) & 1;
}

static int isa_available_now(int isa) {
    const uint64_t xcr0 = imx_xcr0();
    const int ymm = (xcr0 & 0x6) == 0x6, zmm = ymm && (xcr0 & 0xE0) == 0xE0;
    const int avx2 = ymm && has_bit(7, 0, 1, 5) && has_bit(1, 0, 2, 12); // AVX2, FMA
    const int avx512 = zmm && has_bit(7, 0, 1, 16) && has_bit(7, 0, 1, 30) && has_bit(7, 0, 1, 31); // F, BW, VL
    const int avx512vnni = avx512 && has_bit(7, 0, 2, 11);
    const int avxvnni = avx2 && has_bit(7, 1, 0, 4);
    switch (isa) {
    case IMX_QP_SCALAR: return 1;
    case IMX_QP_AVX2: return avx2;
    case IMX_QP_AVX512VL_256: return avx2 && avx512vnni;
    case IMX_QP_AVXVNNI: return avxvnni;
    case IMX_QP_AVX512VNNI: return avx512vnni;
    default: return 0;
    }
}

int imx_qp_best_isa(void) {
    for (int isa = IMX_QP_AVX512VNNI; isa > IMX_QP_SCALAR; isa--) {
        if (isa != IMX_QP_AVX512VL_256 && imx_qp_isa_available(isa)) return isa;
    }
    return IMX_QP_SCALAR;
}

static int panel_width(int isa) {
    switch (isa) {
    case IMX_QP_AVX512VNNI: return 16;
    case IMX_QP_SCALAR: return 16;
    default: return 8;
    }
}

size_t qp_pack_scratch_bytes(const qp_format *f, int64_t k, int rows) {
    return (size_t)rows * ((size_t)((k + 63) / 64 * 64) + 2 * (size_t)(k / f->sub_block) * sizeof(float)) + 64;
}

size_t imx_qp_scratch_bytes(int type, int64_t k) {
    const qp_format *f = qp_format_of(type);
    if (!f) return 0;
    size_t panel = qp_panel_bytes(k, f->sub_block, 16);
    return (panel + 63) / 64 * 64 + qp_pack_scratch_bytes(f, k, 16);
}

/// Bytes of activations one slice of columns may hold: a third of the last-level cache (the
/// kernel's figure for cpu0's level-3 cache, else glibc's, else 8 MiB), within 4 … 16 MiB. The
/// activation rows of one slice (m × columns bytes) then stay in that cache while every panel
/// meets them: a 2048-token batch of 14,336-column rows (ffn_down's input at 8B) is 29 MiB, and
/// in one pass it would come from memory again for every panel.
static int64_t slice_budget = 0; // read once; a race only repeats the same answer

static int64_t last_level_cache_bytes(void) {
    FILE *file = fopen("/sys/devices/system/cpu/cpu0/cache/index3/size", "r");
    if (file) {
        long long size = 0;
        char unit = 0;
        const int fields = fscanf(file, "%lld%c", &size, &unit);
        fclose(file);
        if (fields >= 1 && size > 0) return unit == 'K' ? size << 10 : unit == 'M' ? size << 20 : size;
    }
#ifdef _SC_LEVEL3_CACHE_SIZE
    const long cache = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (cache > 0) return cache;
#endif
    return 0;
}

static int64_t slice_bytes(void) {
    if (slice_budget == 0) {
        const int64_t cache = last_level_cache_bytes();
        int64_t budget = cache > 0 ? cache / 3 : (int64_t)8 << 20;
        if (budget < (int64_t)4 << 20) budget = (int64_t)4 << 20;
        if (budget > (int64_t)16 << 20) budget = (int64_t)16 << 20;
        slice_budget = budget;
    }
    return slice_budget;
}

int64_t imx_qp_slice_bytes(void) { return slice_bytes(); }

void imx_qp_set_slice_bytes(int64_t bytes) { slice_budget = bytes > 0 ? bytes : 0; }

static int64_t slice_columns(const qp_format *f, int64_t k, int64_t m) {
    const int64_t unit = f->block > f->act_block ? f->block : f->act_block;
    const int64_t units = k / unit;
    const int64_t budget = slice_bytes();
    int64_t slices = (m * k + budget - 1) / budget;
    if (slices < 1) slices = 1;
    if (slices > units) slices = units;
    return (units + slices - 1) / slices * unit;
}

void imx_qp_product(int isa, int type, const void *weights, int64_t r_begin, int64_t r_end, int64_t k,
                    const void *activations, int64_t m, float *out, int64_t ldc, void *scratch) {
    const qp_format *f = qp_format_of(type);
    if (!f || r_end <= r_begin || m <= 0) return;
    if (!imx_qp_isa_available(isa)) isa = IMX_QP_SCALAR;
    const int width = panel_width(isa);
    const int signed_values = isa == IMX_QP_AVX2 && f->offset == 128;
    const int offset = signed_values ? 0 : f->offset;
    const qp_activation_layout layout = qp_activation_layout_of(f, k);
    uint8_t *panel = (uint8_t *)scratch;
    uint8_t *row_scratch = panel + (qp_panel_bytes(k, f->sub_block, 16) + 63) / 64 * 64;
    const uint8_t *acts = (const uint8_t *)activations;
    const int64_t columns = slice_columns(f, k, m);
    for (int64_t first_column = 0; first_column < k; first_column += columns) {
        const qp_slice slice = {first_column, k - first_column < columns ? k - first_column : columns, first_column > 0};
        for (int64_t first = r_begin; first < r_end; first += width) {
            const int rows = (int)(r_end - first < width ? r_end - first : width);
            if (isa == IMX_QP_AVX512VNNI)
                qp_pack_panel16_avx512(f, (const uint8_t *)weights, first, rows, k, &slice, panel, row_scratch, signed_values);
            else
                qp_pack_panel(f, (const uint8_t *)weights, first, rows, width, k, &slice, panel, row_scratch, signed_values);
            float *o = out + (first - r_begin);
            switch (isa) {
            case IMX_QP_AVX512VNNI: qp_panel_avx512vnni(f, offset, panel, rows, &slice, acts, &layout, m, o, ldc); break;
            case IMX_QP_AVXVNNI: qp_panel_avxvnni(f, offset, panel, rows, &slice, acts, &layout, m, o, ldc); break;
            case IMX_QP_AVX512VL_256: qp_panel_avx512vl256(f, offset, panel, rows, &slice, acts, &layout, m, o, ldc); break;
            case IMX_QP_AVX2: qp_panel_avx2(f, offset, panel, rows, &slice, acts, &layout, m, o, ldc); break;
            default: qp_panel_scalar(f, offset, panel, width, rows, &slice, acts, &layout, m, o, ldc); break;
            }
        }
    }
}
