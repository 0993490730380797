// Every op of the registry (xgrad/ops/registry.hpp) as a function of _core and, where registered
// so, a method of Tensor; plus the registry itself, from which the Python package exposes them.
#include <type_traits>
#include <utility>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad::bindings {
namespace {

using namespace pybind11::literals;

py::object default_of(const ops::Param& p) {
    return std::visit(
        [](const auto& v) -> py::object {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>)
                return py::none();
            else
                return py::cast(v);
        },
        p.default_value);
}

// A tensor argument is required; numbers and strings carry their registered default.
template <class A>
auto keyword(const ops::Param& p) {
    if constexpr (std::is_same_v<std::decay_t<A>, Tensor>)
        return py::arg(p.name.c_str());
    else
        return py::arg_v(p.name.c_str(), default_of(p));
}

// The overload pybind11 tries when the arguments do not convert to the op's C++ types (a string
// for a tensor, a float for an int, an int beyond int64): a TypeError naming the op, its signature
// and the types given, instead of pybind11's "incompatible function arguments" dump.
std::string type_names(const py::args& args, const py::kwargs& kwargs, size_t skip) {
    std::string got;
    size_t i = 0;
    for (const auto& a : args) {
        if (i++ < skip) continue;
        got += (got.empty() ? "" : ", ") + py::str(py::type::of(a).attr("__name__")).cast<std::string>();
    }
    for (const auto& kv : kwargs)
        got += (got.empty() ? "" : ", ") + py::str(kv.first).cast<std::string>() + "=" +
               py::str(py::type::of(kv.second).attr("__name__")).cast<std::string>();
    return got;
}

auto refusal(const std::string& name, const std::string& signature, size_t skip) {
    return [name, signature, skip](const py::args& args, const py::kwargs& kwargs) -> Tensor {
        throw py::type_error(name + ": expected " + signature + ", got arguments of type (" +
                             type_names(args, kwargs, skip) + ")");
    };
}

// The docstring: the op's Python signature (pybind11's own names C++ types), then its formula.
template <class... A, size_t... I>
void define(py::module_& m, py::class_<Tensor>& tensor, const ops::OpInfo& op, Tensor (*fn)(const Tensor&, A...),
            std::index_sequence<I...>) {
    const std::string function_doc = ops::python_signature(op, false) + "\n\n" + op.formula;
    m.def(op.name.c_str(), releasing_gil(fn), py::arg("input"), keyword<A>(op.params[I])..., function_doc.c_str());
    m.def(op.name.c_str(), refusal(op.name, ops::python_signature(op, false), 0));
    if (op.exposure & ops::method) {
        const std::string method_doc = ops::python_signature(op, true) + "\n\n" + op.formula;
        tensor.def(op.name.c_str(), releasing_gil(fn), keyword<A>(op.params[I])..., method_doc.c_str());
        tensor.def(op.name.c_str(), refusal("Tensor." + op.name, ops::python_signature(op, true), 1));
    }
}

template <class... A>
void define(py::module_& m, py::class_<Tensor>& tensor, const ops::OpInfo& op, Tensor (*fn)(const Tensor&, A...)) {
    define(m, tensor, op, fn, std::index_sequence_for<A...>{});
}

const char* kind_name(ops::ParamKind kind) {
    switch (kind) {
        case ops::ParamKind::tensor: return "tensor";
        case ops::ParamKind::number: return "float";
        case ops::ParamKind::integer: return "int";
        case ops::ParamKind::text: return "str";
    }
    return "";
}

const char* domain_name(ops::Domain d) {
    switch (d) {
        case ops::Domain::real: return "real";
        case ops::Domain::positive: return "positive";
        case ops::Domain::nonzero: return "nonzero";
    }
    return "";
}

}  // namespace

void bind_registered_ops(py::module_& m) {
    auto tensor = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
    py::options options;
    options.disable_function_signatures();
    for (const ops::OpInfo& op : ops::registered_ops())
        std::visit([&](auto fn) { define(m, tensor, op, fn); }, op.fn);

    m.def("registered_ops", [] {
        py::list out;
        for (const ops::OpInfo& op : ops::registered_ops()) {
            const std::vector<ops::ParamKind> kinds = ops::param_kinds(op);
            py::list params;
            for (size_t i = 0; i < op.params.size(); ++i)
                params.append(py::dict("name"_a = op.params[i].name, "kind"_a = kind_name(kinds[i]),
                                       "default"_a = default_of(op.params[i]), "choices"_a = op.params[i].choices));
            out.append(py::dict("name"_a = op.name, "doc"_a = op.formula, "params"_a = params,
                                "function"_a = bool(op.exposure & ops::function),
                                "method"_a = bool(op.exposure & ops::method),
                                "functional"_a = bool(op.exposure & ops::functional),
                                "domain"_a = domain_name(op.input_domain), "torch"_a = op.torch_name,
                                "signature"_a = ops::python_signature(op, false)));
        }
        return out;
    }, "The registered ops: name, formula, parameters, where Python exposes them, PyTorch's name.");
}

}  // namespace xgrad::bindings
