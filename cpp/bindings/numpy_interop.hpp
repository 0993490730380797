// Tensor <-> NumPy without copies where the layout allows (binding glue, no op logic).
#pragma once

#include <optional>
#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::bindings {

namespace py = pybind11;

// A tensor of `array`'s values in `dtype` (default: the array's own, see own_dtype_of; values an
// integer dtype cannot hold raise ValueError). mode "adopt": shares the memory of a
// C-contiguous, aligned, writeable, native-byte-order array of that dtype, converts anything else
// once; "share": shares any such array as a strided view (negative strides too) and raises
// TypeError saying why when it cannot; "copy": always converts. Non-numeric arrays (complex,
// object, strings) raise TypeError naming the dtype, and long double values float64 cannot hold.
Tensor tensor_from_array(const py::array& array, std::optional<DType> dtype, const std::string& mode = "adopt");
// A NumPy array viewing the tensor's memory (the array keeps the storage alive).
py::array tensor_to_array(const Tensor& t);
// The buffer-protocol format of a dtype ("f", "d", "q", "i", "B", "?").
std::string buffer_format(DType dtype);
// item(): a Python float, int or bool by the tensor's dtype.
py::object tensor_item(const Tensor& t);
// Class indices for losses: an integer array (or a Tensor holding whole numbers) as int64.
std::vector<int64_t> class_indices(const py::object& targets, const char* op);

}  // namespace xgrad::bindings
