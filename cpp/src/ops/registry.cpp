#include "xgrad/ops/registry.hpp"

#include <sstream>
#include <type_traits>

namespace xgrad::ops {
namespace {

// A function-local static: registrations in other files may run before any global of this one.
std::vector<OpInfo>& registry() {
    static std::vector<OpInfo> ops;
    return ops;
}

template <class A>
ParamKind kind_of() {
    using T = std::decay_t<A>;
    if constexpr (std::is_same_v<T, Tensor>) return ParamKind::tensor;
    else if constexpr (std::is_same_v<T, double>) return ParamKind::number;
    else if constexpr (std::is_same_v<T, int64_t>) return ParamKind::integer;
    else return ParamKind::text;
}

template <class... A>
std::vector<ParamKind> kinds_of(Tensor (*)(const Tensor&, A...)) {
    return {kind_of<A>()...};
}

std::string python_literal(const Param::Value& v) {
    std::ostringstream os;
    if (auto* d = std::get_if<double>(&v)) {
        os << *d;
        const std::string s = os.str();
        return s.find_first_of(".einfa") == std::string::npos ? s + ".0" : s;
    }
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
    return "";
}

const char* annotation(ParamKind kind) {
    switch (kind) {
        case ParamKind::tensor: return "Tensor";
        case ParamKind::number: return "float";
        case ParamKind::integer: return "int";
        case ParamKind::text: return "str";
    }
    return "object";
}

}  // namespace

const std::vector<OpInfo>& registered_ops() { return registry(); }

RegisterOp::RegisterOp(OpInfo info) { registry().push_back(std::move(info)); }

std::vector<ParamKind> param_kinds(const OpInfo& op) {
    return std::visit([](auto fn) { return kinds_of(fn); }, op.fn);
}

std::string python_signature(const OpInfo& op, bool as_method) {
    const std::vector<ParamKind> kinds = param_kinds(op);
    std::ostringstream os;
    os << op.name << (as_method ? "(self" : "(input: Tensor");
    for (size_t i = 0; i < op.params.size(); ++i) {
        const Param& p = op.params[i];
        os << ", " << p.name << ": ";
        if (!p.choices.empty()) {
            os << "Literal[";
            for (size_t c = 0; c < p.choices.size(); ++c) os << (c ? ", " : "") << "'" << p.choices[c] << "'";
            os << "]";
        } else {
            os << annotation(kinds[i]);
        }
        const std::string value = python_literal(p.default_value);
        if (!value.empty()) os << " = " << value;
    }
    os << ") -> Tensor";
    return os.str();
}

}  // namespace xgrad::ops
