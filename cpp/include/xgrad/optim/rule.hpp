// An optimizer's update rule, declared once in its own file (cpp/src/optim/<name>.cpp): its
// hyper-parameters (names, defaults, accepted values), its per-parameter state, and its step on
// one element. Everything else derives from that declaration: the threaded loop over a tensor,
// the binding, the Python class's signature and checks (xgrad.optim.RuleOptimizer), the entries of
// state_dict() and the 2-D playground's trace. A rule file looks like:
//
//     template <class T> struct AdamaxStep {            // the per-element math
//         AdamaxStep(const Hyper& h, int64_t t) { ... }
//         void operator()(T& p, T g, T& m, T& u) const { ... }
//     };
//     struct Adamax {
//         template <class T, class Loop> static void step(const Hyper& h, Loop& loop) {
//             loop(AdamaxStep<T>(h, loop.step()), "exp_avg", "exp_inf");
//         }
//     };
//     XGRAD_REGISTER_RULE(Adamax, rule("adamax", "Adamax").number("lr", 2e-3, at_least(0), "learning rate")
//                                     ... .state("exp_avg").state("exp_inf"));
//
// `loop(f, names...)` runs f(p, g, state...) over every element with the named state buffers,
// creating a missing one as its StateSpec says; `loop.has(name)` tells whether it exists yet,
// `loop.step()` is the step count (from 1) and `loop.scalar(name)` a per-parameter number.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "xgrad/optim/foreach.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

// bool first: pybind11 converts a Python bool to the first alternative that takes it without
// conversion, and a double would take it as 1.0.
using HyperValue = std::variant<bool, double, std::string, std::pair<double, double>>;

// The accepted values of a number (or of each entry of a pair).
struct Range {
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool low_open = false, high_open = false;
    bool contains(double v) const;
    std::string text() const;  // "must be >= 0", "must be in [0, 1)"
};
Range at_least(double low);     // [low, inf)
Range greater_than(double low); // (low, inf)
Range unit_interval();          // [0, 1)
Range closed_unit_interval();   // [0, 1]

struct HyperSpec {
    std::string name;
    HyperValue default_value;
    Range range;                       // numbers and pairs
    std::vector<std::string> choices;  // strings
    std::string description;           // in messages: "invalid learning rate lr=-1.0"
};

// A state buffer shaped like the parameter: zeros, or filled with the value of the hyper-parameter
// `fill_from` (Adagrad's initial accumulator).
struct StateSpec {
    std::string name;
    std::string fill_from;
};

// A per-parameter number kept between steps (NAdam's running product of momentum coefficients).
struct ScalarSpec {
    std::string name;
    double initial;
};

// A group's hyper-parameters by name, as the rule reads them: a handful of short names in a flat
// list (the playground reads them at every step; comparing lengths first makes a lookup a few
// integer compares). check_hyper() marks a Hyper as checked for its rule, so a step does not
// check the same values again.
class Hyper {
public:
    Hyper() = default;
    explicit Hyper(const std::map<std::string, HyperValue>& values) : values_(values.begin(), values.end()) {}
    double number(std::string_view name) const { return std::get<double>(at(name)); }
    bool flag(std::string_view name) const { return std::get<bool>(at(name)); }
    const std::string& text(std::string_view name) const { return std::get<std::string>(at(name)); }
    std::pair<double, double> pair(std::string_view name) const {
        return std::get<std::pair<double, double>>(at(name));
    }
    const std::vector<std::pair<std::string, HyperValue>>& values() const { return values_; }
    const HyperValue* find(std::string_view name) const {
        for (const auto& [key, value] : values_)
            if (key.size() == name.size() && key == name) return &value;
        return nullptr;
    }
    const struct RuleSpec* checked_for() const { return checked_for_; }

private:
    friend void check_hyper(const struct RuleSpec& spec, Hyper& hyper);
    const HyperValue& at(std::string_view name) const;
    std::vector<std::pair<std::string, HyperValue>> values_;
    const struct RuleSpec* checked_for_ = nullptr;
};

using StateValue = std::variant<Tensor, int64_t, double>;
// One parameter's state: "step", the ScalarSpecs and the StateSpecs in use, by name.
using ParamState = std::map<std::string, StateValue>;
// Entries in the rule's declared order ("step" first), for Python's state dict.
using OrderedState = std::vector<std::pair<std::string, StateValue>>;

struct RuleSpec;

// Runs a rule over one tensor parameter: the Loop of a Rule::step on tensors.
template <class T>
class TensorLoop {
public:
    TensorLoop(const RuleSpec& spec, const Hyper& hyper, const Tensor& p, const Tensor& g, ParamState& state,
               int64_t step, size_t index)
        : spec_(spec), hyper_(hyper), p_(p), g_(g), state_(state), step_(step), index_(index) {}
    int64_t step() const { return step_; }
    bool has(const char* name) const { return state_.count(name) != 0; }
    double& scalar(const char* name);
    template <class F, class... Names>
    void operator()(const F& f, Names... names) {
        parallel_for_each_element(p_.numel(), f, p_.data<T>(), g_.data<T>(), buffer(names).template data<T>()...);
    }

private:
    Tensor& buffer(const char* name);
    const RuleSpec& spec_;
    const Hyper& hyper_;
    const Tensor& p_;
    const Tensor& g_;
    ParamState& state_;
    int64_t step_;
    size_t index_;
};

// Runs a rule on the 2 coordinates of the playground's point: the Loop of a Rule::step on a trace.
class TraceLoop {
public:
    // The gradient of the test function at a point (for rules that need more than the current one).
    using GradientAt = std::array<double, 2> (*)(const void* function, double x, double y);
    TraceLoop(const RuleSpec& spec, const Hyper& hyper, GradientAt gradient_at, const void* function)
        : spec_(spec), hyper_(hyper), gradient_at_(gradient_at), function_(function) {}
    void next_step(double* x, const double* g) { x_ = x; g_ = g; ++step_; }
    int64_t step() const { return step_; }
    double* point() const { return x_; }
    const double* gradient() const { return g_; }
    std::array<double, 2> gradient_at(double x, double y) const { return gradient_at_(function_, x, y); }
    bool has(const char* name) const;
    double& scalar(const char* name);
    template <class F, class... Names>
    void operator()(const F& f, Names... names) {
        for_each_element(2, f, x_, g_, buffer(names).data()...);
    }

private:
    std::array<double, 2>& buffer(const char* name);
    const RuleSpec& spec_;
    const Hyper& hyper_;
    GradientAt gradient_at_;
    const void* function_;
    double* x_ = nullptr;
    const double* g_ = nullptr;
    int64_t step_ = 0;
    // Keyed by the rule's name literals: compared by address first, then by value. A deque, so that
    // creating a buffer keeps those handed out earlier in the same loop(f, names...) call valid.
    std::deque<std::pair<const char*, std::array<double, 2>>> buffers_;
    std::deque<std::pair<const char*, double>> scalars_;
};

struct RuleSpec {
    std::string name;          // "adam": the key in Python and in the playground
    std::string display_name;  // "Adam": the class name, in messages
    std::vector<HyperSpec> hyper;
    std::vector<StateSpec> states;
    std::vector<ScalarSpec> scalars;
    bool counts_steps = true;  // keeps "step" in the state (SGD does not, as in PyTorch)
    // Checks across hyper-parameters (SGD: nesterov needs momentum); ValueError naming the rule.
    void (*check)(const RuleSpec&, const Hyper&) = nullptr;
    // Filled by XGRAD_REGISTER_RULE from Rule::step; a rule without an elementwise step (Newton)
    // gives its own trace step instead.
    void (*tensor_step)(const RuleSpec&, const Hyper&, const Tensor& p, const Tensor& g, ParamState& state,
                        int64_t step, size_t index) = nullptr;
    void (*trace_step)(const RuleSpec&, const Hyper&, TraceLoop& loop) = nullptr;

    RuleSpec& number(std::string n, double value, Range r, std::string description = "");
    RuleSpec& pair(std::string n, std::pair<double, double> value, Range each);
    RuleSpec& flag(std::string n, bool value);
    RuleSpec& choice(std::string n, std::string value, std::vector<std::string> choices);
    RuleSpec& state(std::string n, std::string fill_from = "");
    RuleSpec& scalar(std::string n, double initial);
    RuleSpec& without_step_count() { counts_steps = false; return *this; }
    RuleSpec& checked_by(void (*fn)(const RuleSpec&, const Hyper&)) { check = fn; return *this; }

    const HyperSpec* find_hyper(const std::string& n) const;
    const StateSpec* find_state(const std::string& n) const;
    const ScalarSpec* find_scalar(const std::string& n) const;
    [[noreturn]] void fail(const std::string& message) const;  // ValueError "<Name>: <message>"
};

RuleSpec rule(std::string name, std::string display_name);

// Every registered rule, and one by name (ValueError listing them when unknown).
const std::vector<RuleSpec>& registered_rules();
const RuleSpec& find_rule(const std::string& name);

// Raises ValueError naming the rule and the value when `hyper` misses, adds or mistypes a
// hyper-parameter, or holds a value outside its range or choices; then runs the rule's check, and
// marks `hyper` as checked for `spec`.
void check_hyper(const RuleSpec& spec, Hyper& hyper);

// One step of rule `name` over `params` (each with a gradient) and their states. The parameters
// and the existing buffers are updated in place; returned per parameter, in the rule's declared
// order, is what the caller must store: the step count, the scalars and any buffer just created.
std::vector<OrderedState> step(const std::string& name, const std::vector<Tensor>& params,
                               std::vector<ParamState> states, Hyper& hyper);

// Internals of TensorLoop (rule.cpp).
Tensor& state_buffer(const RuleSpec& spec, const Hyper& hyper, const Tensor& p, ParamState& state,
                     const char* name, size_t index);
double& state_scalar(const RuleSpec& spec, ParamState& state, const char* name);

template <class T>
Tensor& TensorLoop<T>::buffer(const char* name) {
    return state_buffer(spec_, hyper_, p_, state_, name, index_);
}

template <class T>
double& TensorLoop<T>::scalar(const char* name) {
    return state_scalar(spec_, state_, name);
}

// The entry points of a Rule with an elementwise step.
template <class Rule>
void tensor_step_of(const RuleSpec& spec, const Hyper& hyper, const Tensor& p, const Tensor& g, ParamState& state,
                    int64_t step, size_t index) {
    XGRAD_DISPATCH(p.dtype(), [&] {
        TensorLoop<scalar_t> loop(spec, hyper, p, g, state, step, index);
        Rule::template step<scalar_t>(hyper, loop);
    });
}

template <class Rule>
void trace_step_of(const RuleSpec&, const Hyper& hyper, TraceLoop& loop) {
    Rule::template step<double>(hyper, loop);
}

struct RegisterRule {
    explicit RegisterRule(RuleSpec spec);
};

template <class Rule>
RuleSpec with_steps(RuleSpec spec) {
    spec.tensor_step = &tensor_step_of<Rule>;
    spec.trace_step = &trace_step_of<Rule>;
    return spec;
}

}  // namespace xgrad::optim

#define XGRAD_RULE_CONCAT_(a, b) a##b
#define XGRAD_RULE_CONCAT(a, b) XGRAD_RULE_CONCAT_(a, b)
// Registers RULE (a struct with `template <class T, class Loop> static void step(const Hyper&, Loop&)`)
// under SPEC at load time.
#define XGRAD_REGISTER_RULE(RULE, SPEC) \
    static const ::xgrad::optim::RegisterRule XGRAD_RULE_CONCAT(xgrad_registered_rule_, __LINE__)( \
        ::xgrad::optim::with_steps<RULE>(SPEC))
