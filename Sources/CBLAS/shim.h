#ifndef IMATRIX_LAB_CBLAS_SHIM_H
#define IMATRIX_LAB_CBLAS_SHIM_H
// OpenBLAS's own cblas.h (found through pkg-config `openblas`). It also declares the
// openblas_* control functions: openblas_get_config, openblas_set_num_threads, ...
#include <cblas.h>
#endif
