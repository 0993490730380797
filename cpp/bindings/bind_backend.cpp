// Introspection of the compute backend, for benchmarks and the README's tables.
#include "../src/kernels/blas.hpp"
#include "bindings.hpp"
#ifdef XTENSOR_USE_XSIMD
#include <xsimd/xsimd.hpp>
#endif
#include "xgrad/tensor/threads.hpp"

namespace xgrad::bindings {

void bind_backend(py::module_& m) {
    m.def("blas_corename", &kernels::blas_corename);
    m.def("blas_num_threads", &kernels::blas_num_threads);
    m.def("set_blas_num_threads", &kernels::set_blas_num_threads, py::arg("n"));
    m.def("get_num_threads", &num_threads);
    m.def("set_num_threads", &set_num_threads, py::arg("n"));
#ifdef XTENSOR_USE_XSIMD
    m.attr("simd") = true;
#else
    m.attr("simd") = false;
#endif
    // What this extension was built as (CMakeLists.txt passes it in), for bug reports.
    py::dict build;
    build["build_type"] = XGRAD_BUILD_TYPE;
    build["march"] = XGRAD_MARCH;
    build["commit"] = XGRAD_COMMIT;
    build["compiler"] = XGRAD_COMPILER;
    build["sanitized"] = bool(XGRAD_SANITIZED);
#ifdef XTENSOR_USE_XSIMD
    build["simd_arch"] = xsimd::default_arch::name();
#else
    build["simd_arch"] = "none";
#endif
    m.attr("build_info") = build;
}

}  // namespace xgrad::bindings
