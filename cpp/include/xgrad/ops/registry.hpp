// The op registry. An op that Python sees as `xgrad.<name>`, `Tensor.<name>` or
// `nn.functional.<name>` is registered once, in its family's file beside its forward and backward:
//
//     XGRAD_REGISTER_OP(op("leaky_relu", &leaky_relu, Param("negative_slope", 0.01))
//                           .doc("x > 0 ? x : negative_slope * x")
//                           .exposed_as(functional)
//                           .torch("torch.nn.functional.leaky_relu"));
//
// From that entry come the Python function and method (bindings/bind_ops.cpp), the type stubs
// (stubs/generate_stubs.cpp), and a row of the test registry (tests/op_registry.py).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// Where Python sees an op; any combination.
enum Exposure : unsigned {
    function = 1u,    // xgrad.<name>
    method = 2u,      // Tensor.<name>
    functional = 4u,  // xgrad.nn.functional.<name>
};

// Where the op is defined and smooth, so that tests draw inputs it can be gradient-checked on.
enum class Domain {
    real,      // smooth on the whole real line
    positive,  // defined for x > 0 (log, sqrt)
    nonzero,   // a kink at 0 (relu, abs): inputs are drawn away from it
};

// A keyword argument after the input tensor. Numbers, strings and integers carry their default;
// a tensor argument (no default) is written Param("weight").
struct Param {
    using Value = std::variant<std::monostate, double, int64_t, std::string>;
    std::string name;
    Value default_value;               // monostate: a required tensor argument
    std::vector<std::string> choices;  // the accepted values of a string argument
    Param(std::string n) : name(std::move(n)) {}
    Param(std::string n, double v) : name(std::move(n)), default_value(v) {}
    Param(std::string n, int v) : name(std::move(n)), default_value(int64_t(v)) {}
    Param(std::string n, int64_t v) : name(std::move(n)), default_value(v) {}
    Param(std::string n, const char* v, std::vector<std::string> allowed = {})
        : name(std::move(n)), default_value(std::string(v)), choices(std::move(allowed)) {}
};

// The C++ signatures a registered op may have: the input tensor, then the Params in order.
using OpFunction = std::variant<Tensor (*)(const Tensor&),
                                Tensor (*)(const Tensor&, double),
                                Tensor (*)(const Tensor&, double, double),
                                Tensor (*)(const Tensor&, int64_t),
                                Tensor (*)(const Tensor&, const std::string&),
                                Tensor (*)(const Tensor&, const Tensor&)>;

struct OpInfo {
    std::string name;
    OpFunction fn;
    std::vector<Param> params;
    std::string formula;  // one or two lines: what the op computes and its derivative
    unsigned exposure = function | method;
    Domain input_domain = Domain::real;
    std::string torch_name;  // the PyTorch function with the same meaning and arguments, if any

    OpInfo& doc(std::string text) { formula = std::move(text); return *this; }
    OpInfo& exposed_as(unsigned where) { exposure = where; return *this; }
    OpInfo& domain(Domain d) { input_domain = d; return *this; }
    OpInfo& torch(std::string qualified_name) { torch_name = std::move(qualified_name); return *this; }
};

// The entry for `fn`, with one Param per argument after the input tensor.
template <class... Args, class... Params>
OpInfo op(const char* name, Tensor (*fn)(const Tensor&, Args...), Params... params) {
    static_assert(sizeof...(Args) == sizeof...(Params),
                  "op(): give one Param per argument after the input tensor");
    OpInfo info;
    info.name = name;
    info.fn = fn;
    info.params = {Param(params)...};
    return info;
}

// Every registered op, in registration order within a file.
const std::vector<OpInfo>& registered_ops();

// The type of each Param, read from the C++ signature.
enum class ParamKind { tensor, number, integer, text };
std::vector<ParamKind> param_kinds(const OpInfo& op);

// The op's Python signature with annotations, e.g.
// "leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor"; as a method, `self` replaces
// the input. What the type stubs are generated from.
std::string python_signature(const OpInfo& op, bool as_method);

// Registration at static-initialisation time (XGRAD_REGISTER_OP). The core is linked as an object
// library, so no registering file is dropped by the linker.
struct RegisterOp {
    explicit RegisterOp(OpInfo info);
};

}  // namespace xgrad::ops

#define XGRAD_REGISTRY_CONCAT_(a, b) a##b
#define XGRAD_REGISTRY_CONCAT(a, b) XGRAD_REGISTRY_CONCAT_(a, b)
#define XGRAD_REGISTER_OP(...) \
    static const ::xgrad::ops::RegisterOp XGRAD_REGISTRY_CONCAT(xgrad_registered_op_, __LINE__)(__VA_ARGS__)
