// Introspection of the compute backend, for benchmarks and the README's tables.
#include "../src/kernels/blas.hpp"
#include "bindings.hpp"
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
}

}  // namespace xgrad::bindings
