// The generic part of every update rule: the registry, the checks of hyper-parameters, the state
// buffers, and the step over a list of parameters (rule.hpp).
#include "xgrad/optim/rule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "xgrad/ops/creation.hpp"
#include "xgrad/tensor/errors.hpp"

namespace xgrad::optim {
namespace {

std::vector<RuleSpec>& registry() {
    static std::vector<RuleSpec> rules;  // function-local: other files register at load time
    return rules;
}

const char* kind_of(const HyperValue& v) {
    switch (v.index()) {
        case 0: return "a bool";
        case 1: return "a number";
        case 2: return "a string";
        default: return "a pair of numbers";
    }
}

void check_range(const RuleSpec& spec, const HyperSpec& h, const std::string& shown, double v) {
    if (h.range.contains(v)) return;
    spec.fail("invalid " + (h.description.empty() ? "" : h.description + " ") + shown + "=" + python_repr(v) +
              " (" + h.range.text() + ")");
}

}  // namespace

bool Range::contains(double v) const {
    if (std::isnan(v)) return false;
    const bool above = low_open ? v > low : v >= low;
    const bool below = high_open ? v < high : v <= high;
    return above && below;
}

namespace {
// A bound as a reader writes it: 0 and 1 rather than 0.0 and 1.0.
std::string bound(double v) {
    return std::floor(v) == v && std::abs(v) < 1e15 ? std::to_string(int64_t(v)) : python_repr(v);
}
}  // namespace

std::string Range::text() const {
    if (std::isinf(high)) return std::string("must be ") + (low_open ? "> " : ">= ") + bound(low);
    return std::string("must be in ") + (low_open ? "(" : "[") + bound(low) + ", " + bound(high) +
           (high_open ? ")" : "]");
}

Range at_least(double low) { return Range{low}; }
Range greater_than(double low) { return Range{low, std::numeric_limits<double>::infinity(), true, false}; }
Range unit_interval() { return Range{0.0, 1.0, false, true}; }
Range closed_unit_interval() { return Range{0.0, 1.0, false, false}; }

const HyperValue& Hyper::at(std::string_view name) const {
    const HyperValue* v = find(name);
    if (!v) throw ValueError("optimizer rule: missing hyper-parameter '" + std::string(name) + "'");
    return *v;
}

RuleSpec rule(std::string name, std::string display_name) {
    RuleSpec spec;
    spec.name = std::move(name);
    spec.display_name = std::move(display_name);
    return spec;
}

RuleSpec& RuleSpec::number(std::string n, double value, Range r, std::string description) {
    hyper.push_back({std::move(n), value, r, {}, std::move(description)});
    return *this;
}
RuleSpec& RuleSpec::pair(std::string n, std::pair<double, double> value, Range each) {
    hyper.push_back({std::move(n), value, each, {}, ""});
    return *this;
}
RuleSpec& RuleSpec::flag(std::string n, bool value) {
    hyper.push_back({std::move(n), value, {}, {}, ""});
    return *this;
}
RuleSpec& RuleSpec::choice(std::string n, std::string value, std::vector<std::string> choices_) {
    hyper.push_back({std::move(n), std::move(value), {}, std::move(choices_), ""});
    return *this;
}
RuleSpec& RuleSpec::state(std::string n, std::string fill_from) {
    states.push_back({std::move(n), std::move(fill_from)});
    return *this;
}
RuleSpec& RuleSpec::scalar(std::string n, double initial) {
    scalars.push_back({std::move(n), initial});
    return *this;
}

const HyperSpec* RuleSpec::find_hyper(const std::string& n) const {
    for (const auto& h : hyper)
        if (h.name == n) return &h;
    return nullptr;
}
const StateSpec* RuleSpec::find_state(const std::string& n) const {
    for (const auto& s : states)
        if (s.name == n) return &s;
    return nullptr;
}
const ScalarSpec* RuleSpec::find_scalar(const std::string& n) const {
    for (const auto& s : scalars)
        if (s.name == n) return &s;
    return nullptr;
}

void RuleSpec::fail(const std::string& message) const { throw ValueError(display_name + ": " + message); }

RegisterRule::RegisterRule(RuleSpec spec) { registry().push_back(std::move(spec)); }

const std::vector<RuleSpec>& registered_rules() { return registry(); }

const RuleSpec& find_rule(const std::string& name) {
    for (const auto& r : registry())
        if (r.name == name) return r;
    std::ostringstream os;
    os << "unknown optimizer '" << name << "' (expected one of:";
    for (const auto& r : registry()) os << ' ' << r.name;
    os << ')';
    throw ValueError(os.str());
}

void check_hyper(const RuleSpec& spec, Hyper& hyper) {
    for (const auto& [name, value] : hyper.values())
        if (!spec.find_hyper(name)) {
            std::string known;
            for (const auto& h : spec.hyper) known += (known.empty() ? "" : ", ") + h.name;
            spec.fail("unknown hyper-parameter '" + name + "' (known: " + known + ")");
        }
    for (const auto& h : spec.hyper) {
        const HyperValue* found = hyper.find(h.name);
        if (!found) spec.fail("missing hyper-parameter '" + h.name + "'");
        const HyperValue& v = *found;
        if (v.index() != h.default_value.index())
            spec.fail(h.name + " must be " + kind_of(h.default_value) + ", got " + kind_of(v));
        if (auto* d = std::get_if<double>(&v)) check_range(spec, h, h.name, *d);
        if (auto* p = std::get_if<std::pair<double, double>>(&v)) {
            check_range(spec, h, h.name + "[0]", p->first);
            check_range(spec, h, h.name + "[1]", p->second);
        }
        if (auto* s = std::get_if<std::string>(&v); s && !h.choices.empty()) {
            bool known = false;
            std::string listed;
            for (const auto& c : h.choices) {
                known = known || c == *s;
                listed += (listed.empty() ? "'" : ", '") + c + "'";
            }
            if (!known) spec.fail("unknown " + h.name + "='" + *s + "' (expected one of " + listed + ")");
        }
    }
    if (spec.check) spec.check(spec, hyper);
    hyper.checked_for_ = &spec;
}

Tensor& state_buffer(const RuleSpec& spec, const Hyper& hyper, const Tensor& p, ParamState& state, const char* name,
                     size_t index) {
    const StateSpec* s = spec.find_state(name);
    if (!s) spec.fail(std::string("internal: the rule uses an undeclared state '") + name + "'");
    auto it = state.find(name);
    if (it == state.end()) {
        Tensor fresh = s->fill_from.empty() ? ops::zeros(p.shape(), p.dtype())
                                            : ops::full(p.shape(), hyper.number(s->fill_from), p.dtype());
        it = state.emplace(name, fresh).first;
    }
    Tensor* t = std::get_if<Tensor>(&it->second);
    if (!t || !t->defined() || !t->is_contiguous() || t->shape() != p.shape() || t->dtype() != p.dtype()) {
        std::ostringstream os;
        os << "state '" << name << "' of parameter " << index << " must be a contiguous " << dtype_name(p.dtype())
           << " tensor of shape " << shape_str(p.shape());
        if (t && t->defined()) os << ", got " << dtype_name(t->dtype()) << " of shape " << shape_str(t->shape());
        spec.fail(os.str());
    }
    return *t;
}

double& state_scalar(const RuleSpec& spec, ParamState& state, const char* name) {
    const ScalarSpec* s = spec.find_scalar(name);
    if (!s) spec.fail(std::string("internal: the rule uses an undeclared scalar '") + name + "'");
    auto it = state.find(name);
    if (it == state.end()) it = state.emplace(name, s->initial).first;
    if (auto* i = std::get_if<int64_t>(&it->second)) it->second = double(*i);
    double* d = std::get_if<double>(&it->second);
    if (!d) spec.fail(std::string("state '") + name + "' must be a number");
    return *d;
}

namespace {

// The gradient of parameter k, contiguous and shaped and typed like it; undefined when it has none.
Tensor checked_grad(const RuleSpec& spec, const Tensor& p, size_t k) {
    Tensor g = p.grad();
    if (!g.defined()) return g;
    if (!p.is_contiguous()) spec.fail("parameter " + std::to_string(k) + " must be a contiguous tensor");
    if (g.shape() != p.shape() || g.dtype() != p.dtype()) {
        std::ostringstream os;
        os << "parameter " << k << " is " << dtype_name(p.dtype()) << " of shape " << shape_str(p.shape())
           << " but its gradient is " << dtype_name(g.dtype()) << " of shape " << shape_str(g.shape());
        spec.fail(os.str());
    }
    return g.is_contiguous() ? g : ops::contiguous_copy(g);
}

// What the caller must write back into its state dict, in the rule's declared order: the step
// count, the scalars, and the buffers created by this step (the others were updated in place).
OrderedState changed_entries(const RuleSpec& spec, ParamState& state, const std::vector<std::string>& had_buffers) {
    OrderedState out;
    auto take = [&](const std::string& name) {
        auto it = state.find(name);
        if (it != state.end()) out.emplace_back(name, std::move(it->second));
    };
    if (spec.counts_steps) take("step");
    for (const auto& s : spec.scalars) take(s.name);
    for (const auto& s : spec.states)
        if (std::find(had_buffers.begin(), had_buffers.end(), s.name) == had_buffers.end()) take(s.name);
    return out;
}

}  // namespace

std::vector<OrderedState> step(const std::string& name, const std::vector<Tensor>& params,
                               std::vector<ParamState> states, Hyper& hyper) {
    const RuleSpec& spec = find_rule(name);
    if (!spec.tensor_step) spec.fail("has no elementwise update to run on tensors");
    if (states.size() != params.size())
        spec.fail("got " + std::to_string(params.size()) + " parameters but " + std::to_string(states.size()) +
                  " states");
    if (hyper.checked_for() != &spec) check_hyper(spec, hyper);
    std::vector<OrderedState> out;
    out.reserve(params.size());
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        ParamState& state = states[k];
        Tensor g = checked_grad(spec, p, k);
        std::vector<std::string> had_buffers;
        for (const auto& [key, value] : state)
            if (std::holds_alternative<Tensor>(value)) had_buffers.push_back(key);
        if (g.defined()) {
            int64_t t = 0;
            if (spec.counts_steps) {
                auto it = state.find("step");
                if (it != state.end()) {
                    if (auto* i = std::get_if<int64_t>(&it->second)) t = *i;
                    else if (auto* d = std::get_if<double>(&it->second)) t = int64_t(*d);
                    else spec.fail("state 'step' of parameter " + std::to_string(k) + " must be an integer");
                }
                state["step"] = ++t;
            }
            spec.tensor_step(spec, hyper, p, g, state, t, k);
            p.bump_version();
        }
        out.push_back(changed_entries(spec, state, had_buffers));
    }
    return out;
}

namespace {
template <class Entries>
auto* find_entry(Entries& entries, const char* name) {
    for (auto& entry : entries)
        if (entry.first == name || std::strcmp(entry.first, name) == 0) return &entry.second;
    return static_cast<decltype(&entries.front().second)>(nullptr);
}
}  // namespace

bool TraceLoop::has(const char* name) const { return find_entry(buffers_, name) != nullptr; }

std::array<double, 2>& TraceLoop::buffer(const char* name) {
    if (auto* found = find_entry(buffers_, name)) return *found;
    const StateSpec* s = spec_.find_state(name);
    if (!s) spec_.fail(std::string("internal: the rule uses an undeclared state '") + name + "'");
    const double v = s->fill_from.empty() ? 0.0 : hyper_.number(s->fill_from);
    buffers_.emplace_back(name, std::array<double, 2>{v, v});
    return buffers_.back().second;
}

double& TraceLoop::scalar(const char* name) {
    if (auto* found = find_entry(scalars_, name)) return *found;
    const ScalarSpec* s = spec_.find_scalar(name);
    if (!s) spec_.fail(std::string("internal: the rule uses an undeclared scalar '") + name + "'");
    scalars_.emplace_back(name, s->initial);
    return scalars_.back().second;
}

}  // namespace xgrad::optim
