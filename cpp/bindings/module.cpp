// xgrad._core: the compiled core. The Python package re-exports and documents it.
#include "bindings.hpp"
#include "xgrad/tensor/errors.hpp"

PYBIND11_MODULE(_core, m) {
    namespace py = pybind11;
    m.doc() = "xgrad's C++ core (tensors, autograd, ops, optimizers). Import xgrad, not this module.";
    // Our exception types carry the Python exception they stand for.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const xgrad::TypeError& e) {
            PyErr_SetString(PyExc_TypeError, e.what());
        } catch (const xgrad::ValueError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const xgrad::IndexError& e) {
            PyErr_SetString(PyExc_IndexError, e.what());
        }
    });
    xgrad::bindings::bind_tensor(m);
    xgrad::bindings::bind_autograd(m);
    xgrad::bindings::bind_ops(m);
    xgrad::bindings::bind_registered_ops(m);
    xgrad::bindings::bind_optim(m);
    xgrad::bindings::bind_backend(m);
    xgrad::bindings::bind_nn(m);
    xgrad::bindings::bind_data(m);
}
