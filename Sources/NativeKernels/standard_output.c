// The C standard output stream's state, for the Swift side, which cannot name `stdout` under
// strict concurrency checking.
#include <errno.h>
#include <stdio.h>
#include "native_kernels.h"

int imx_flush_standard_output(void) {
    if (fflush(stdout) != 0) return errno != 0 ? errno : EIO;
    return ferror(stdout) ? EIO : 0;
}
