// Tensor <-> NumPy without copies where the layout allows (binding glue, no op logic).
#pragma once

#include <optional>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::bindings {

namespace py = pybind11;

// Adopts a float32/float64 C-contiguous writeable array (sharing memory); otherwise converts once
// to `dtype` (default: the array's float dtype, float32 for other numeric kinds). Non-numeric
// arrays raise TypeError.
Tensor tensor_from_array(const py::array& array, std::optional<DType> dtype, bool allow_adopt = true);
// A NumPy array viewing the tensor's memory (the array keeps the storage alive).
py::array tensor_to_array(const Tensor& t);
// Class indices for losses: an integer array (or a Tensor holding whole numbers) as int64.
std::vector<int64_t> class_indices(const py::object& targets, const char* op);

}  // namespace xgrad::bindings
