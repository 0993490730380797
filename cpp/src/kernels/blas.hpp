// Every matrix product of xgrad goes through here, to OpenBLAS's gemm (via xtensor-blas).
#pragma once

#include <cstdint>

namespace xgrad::kernels {

// C = alpha * op(A) @ op(B) + beta * C, row-major; op(A) is (M, K), op(B) is (K, N), C is (M, N).
// lda/ldb/ldc are the row strides of A, B, C as stored (before the transpose).
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
          int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc);

// The OpenBLAS kernel in use ("Haswell", "SkylakeX", ...), printed by every benchmark.
const char* blas_corename();
int blas_num_threads();
void set_blas_num_threads(int n);

}  // namespace xgrad::kernels
