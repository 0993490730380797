#include "blas.hpp"

#include <xtensor-blas/xblas.hpp>

extern "C" {
// OpenBLAS extensions (declared here: Debian's cblas.h may come from another implementation).
char* openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace xgrad::kernels {

template <class T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
          int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
    if (M == 0 || N == 0) return;
    if (K == 0) {  // BLAS leaves C untouched when K is 0 only if beta is 1: do it ourselves
        for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
        return;
    }
    using idx = xt::blas_index_t;
    cxxblas::gemm<idx>(cxxblas::StorageOrder::RowMajor,
                       trans_a ? cxxblas::Transpose::Trans : cxxblas::Transpose::NoTrans,
                       trans_b ? cxxblas::Transpose::Trans : cxxblas::Transpose::NoTrans, idx(M), idx(N),
                       idx(K), alpha, A, idx(lda), B, idx(ldb), beta, C, idx(ldc));
}

template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                          const float*, int64_t, float, float*, int64_t);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                           const double*, int64_t, double, double*, int64_t);

const char* blas_corename() { return openblas_get_corename(); }
int blas_num_threads() { return openblas_get_num_threads(); }
void set_blas_num_threads(int n) { openblas_set_num_threads(n); }

}  // namespace xgrad::kernels
