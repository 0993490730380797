// Introspection of the compute backend, for benchmarks and the README's tables.
#include "../src/kernels/blas.hpp"
#include "bindings.hpp"
#include "xgrad/build_info.hpp"
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
    // What this variant of the core was built as (src/build_info.cpp), for bug reports.
    const BuildInfo& info = build_info();
    py::dict build;
    build["variant"] = info.variant;
    build["march"] = info.march;
    build["simd_arch"] = info.simd_arch;
    build["build_type"] = info.build_type;
    build["commit"] = info.commit;
    build["compiler"] = info.compiler;
    build["sanitized"] = info.sanitized;
    m.attr("build_info") = build;
}

}  // namespace xgrad::bindings
