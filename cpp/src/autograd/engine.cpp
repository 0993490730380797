// Reverse-mode differentiation over the graph of Nodes (node.hpp). The engine rests on the tensor
// layer and the kernels only: the arithmetic it needs (a copy, an accumulation, a cast, a fill of
// ones) is the kernels', never a differentiable op's.
#include "xgrad/autograd/engine.hpp"

#include <cmath>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "../kernels/elementwise.hpp"
#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad::autograd {
namespace {

// Both modes belong to the thread that sets them, as PyTorch's grad mode does: a `no_grad` block
// in one thread does not stop another from recording its graph.
thread_local bool grad_enabled = true;
thread_local bool anomaly_enabled = false;
// Serialises writes into .grad: two threads running backward into one leaf must not lose updates.
std::mutex accumulation_mutex;
// The tensors save() recorded since the last attach() on this thread (an op saves, then attaches).
thread_local std::vector<SavedVersion> pending_saves;

const char* role_text(int role) { return role == -1 ? "its output" : role == -2 ? "a tensor it computed" : "input "; }

void check_saved_versions(const Node& node) {
    for (const SavedVersion& s : node.saved) {
        const uint64_t now = s.storage->version();
        if (now == s.version) continue;
        std::ostringstream os;
        os << "one of the variables needed for gradient computation has been modified by an inplace operation: "
           << "the " << dtype_name(s.dtype) << " tensor of shape " << shape_str(s.shape) << " that '" << node.name
           << "' saved (" << role_text(s.role);
        if (s.role >= 0) os << s.role;
        os << ") is at version " << now << "; expected version " << s.version
           << ". Compute it again after the in-place change, or change a copy (clone()) instead";
        throw std::runtime_error(os.str());
    }
}

// The one accumulation path: the first gradient a tensor receives becomes its .grad (a private
// copy unless nothing else can reach it, since later gradients are added into it in place); later
// ones are added.
void accumulate(std::shared_ptr<TensorImpl>& slot, const Tensor& g) {
    std::lock_guard<std::mutex> lock(accumulation_mutex);
    if (slot) {
        kernels::binary_inplace(kernels::BinaryOp::add, Tensor(slot), g);
        return;
    }
    const bool sole_owner = g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous() &&
                            g.offset() == 0 && !g.requires_grad();
    slot = (sole_owner ? g : kernels::copy(g, g.dtype())).impl_ptr();
}

// A gradient must have the shape and dtype of the tensor it is the gradient of. `describe` names
// where it came from, and is called only to write the error (backward runs this for every edge).
template <class Describe>
void check_gradient(const Tensor& g, const Shape& shape, DType dtype, Describe&& describe) {
    if (g.dtype() == dtype && g.shape() == shape) return;
    std::ostringstream os;
    os << "backward: " << describe() << " is a " << dtype_name(g.dtype()) << " tensor of shape "
       << shape_str(g.shape()) << ", expected " << dtype_name(dtype) << " of shape " << shape_str(shape);
    throw ValueError(os.str());
}

// Nodes reachable from `root` in an order where each node comes before the nodes it feeds.
std::vector<Node*> topological_order(Node* root) {
    std::vector<Node*> order;
    std::unordered_set<Node*> visited;
    // Iterative post-order DFS: deep graphs (long RNN-like chains) must not overflow the stack.
    std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
    visited.insert(root);
    while (!stack.empty()) {
        auto& [node, next_child] = stack.back();
        if (next_child < node->inputs.size()) {
            Node* child = node->inputs[next_child++].node.get();
            if (child && visited.insert(child).second) stack.push_back({child, 0});
        } else {
            order.push_back(node);
            stack.pop_back();
        }
    }
    return {order.rbegin(), order.rend()};
}

}  // namespace

Node::~Node() {
    // Take over every input node this one is the last owner of, and their inputs in turn, so that
    // each dies here in the loop with no inputs left to free recursively.
    std::vector<std::shared_ptr<Node>> last_owned;
    auto take_inputs = [&last_owned](Node& node) {
        for (Edge& edge : node.inputs)
            if (edge.node && edge.node.use_count() == 1) last_owned.push_back(std::move(edge.node));
    };
    take_inputs(*this);
    while (!last_owned.empty()) {
        std::shared_ptr<Node> node = std::move(last_owned.back());
        last_owned.pop_back();
        take_inputs(*node);
    }  // `node` dies at the end of each iteration, its own inputs already taken
}

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }
bool is_anomaly_enabled() { return anomaly_enabled; }
void set_detect_anomaly(bool enabled) { anomaly_enabled = enabled; }

bool any_requires_grad(const std::vector<Tensor>& inputs) {
    if (!grad_enabled) return false;
    for (const Tensor& t : inputs)
        if (t.defined() && t.requires_grad()) return true;
    return false;
}

Tensor detach(const Tensor& t) {
    return Tensor::from_storage(t.storage(), t.shape(), t.strides(), t.offset(), t.dtype());
}

Tensor save(const Tensor& t) {
    pending_saves.push_back({t.storage(), t.version(), t.shape(), t.dtype(), -2});
    return detach(t);
}

void attach(Tensor& out, const char* name, const std::vector<Tensor>& inputs, BackwardFn backward) {
    auto node = std::make_shared<Node>();
    node->saved = std::move(pending_saves);  // taken first: nothing may leave them to the next op
    pending_saves.clear();
    if (anomaly_enabled) check_finite(out, name, "forward output");
    for (SavedVersion& s : node->saved) {
        if (s.storage == out.storage()) s.role = -1;
        for (size_t i = 0; i < inputs.size() && s.role == -2; ++i)
            if (inputs[i].defined() && s.storage == inputs[i].storage()) s.role = int(i);
    }
    node->name = name;
    node->backward = std::move(backward);
    node->output_shape = out.shape();
    node->output_dtype = out.dtype();
    node->inputs.reserve(inputs.size());
    for (const Tensor& t : inputs) {
        Edge edge;
        if (t.defined() && t.requires_grad()) {
            if (t.grad_fn())
                edge.node = t.grad_fn();
            else
                edge.leaf = t.impl_ptr();
        }
        node->inputs.push_back(std::move(edge));
    }
    out.impl()->requires_grad = true;
    out.impl()->grad_fn = std::move(node);
}

void check_finite(const Tensor& t, const char* op, const char* what) {
    bool finite = XGRAD_DISPATCH(t.dtype(), [&] {
        Tensor c = t.is_contiguous() ? t : kernels::copy(t, t.dtype());
        const scalar_t* p = c.data<scalar_t>();
        for (int64_t i = 0, n = c.numel(); i < n; ++i)
            if (!std::isfinite(p[i])) return false;
        return true;
    });
    if (!finite) {
        std::ostringstream os;
        os << "anomaly detected: the " << what << " of '" << op << "' (shape " << shape_str(t.shape())
           << ") contains NaN or Inf";
        throw std::runtime_error(os.str());
    }
}

void retain_grad(const Tensor& t) {
    if (t.is_leaf()) return;  // leaves keep their gradient anyway
    t.grad_fn()->retained_output = t.impl_ptr();
}

void register_hook(const Tensor& t, std::function<Tensor(const Tensor&)> hook) {
    if (!t.requires_grad())
        throw std::runtime_error(
            "register_hook: cannot register a hook on a tensor that doesn't require gradient");
    if (t.is_leaf())
        throw std::runtime_error(
            "register_hook: hooks on leaf tensors are not supported; read the leaf's .grad after "
            "backward instead");
    t.grad_fn()->hooks.push_back(std::move(hook));
}

void backward(const Tensor& root, const Tensor& grad_in, bool retain_graph) {
    if (!root.requires_grad())
        throw std::runtime_error(
            "backward: element 0 of tensors does not require grad and does not have a grad_fn");
    Tensor grad = grad_in;
    if (!grad.defined()) {
        if (root.numel() != 1) {
            std::ostringstream os;
            os << "backward: grad can be implicitly created only for scalar outputs; got a tensor of "
                  "shape "
               << shape_str(root.shape()) << ", pass a gradient of that shape";
            throw std::runtime_error(os.str());
        }
        grad = Tensor::empty(root.shape(), root.dtype());
        kernels::fill(grad, 1.0);
    } else if (grad.shape() != root.shape()) {
        std::ostringstream os;
        os << "backward: gradient has shape " << shape_str(grad.shape())
           << " but the tensor has shape " << shape_str(root.shape());
        throw ValueError(os.str());
    }
    if (grad.dtype() != root.dtype()) grad = kernels::copy(grad, root.dtype());

    NoGradGuard no_grad;  // gradients are plain tensors, not part of a new graph
    if (root.is_leaf()) {
        accumulate(root.impl()->grad, grad);
        return;
    }

    std::vector<Node*> order = topological_order(root.grad_fn().get());
    for (Node* node : order)
        if (node->freed)
            throw std::runtime_error(
                "backward: trying to backward through the graph a second time (its saved tensors "
                "were freed by the first backward, at op '" +
                node->name + "'); specify retain_graph=True on the first call");

    std::unordered_map<Node*, Tensor> pending;
    pending[order.front()] = grad;
    for (Node* node : order) {
        auto it = pending.find(node);
        if (it == pending.end()) continue;  // reachable, but no gradient flowed to it
        Tensor g = std::move(it->second);
        pending.erase(it);

        for (size_t h = 0; h < node->hooks.size(); ++h) {
            Tensor replaced = node->hooks[h](g);
            if (!replaced.defined()) continue;
            check_gradient(replaced, node->output_shape, node->output_dtype, [&] {
                return "hook " + std::to_string(h) + " on the output of '" + node->name + "' returned a gradient that";
            });
            g = replaced;
        }
        if (auto retained = node->retained_output.lock()) accumulate(retained->grad, g);

        // One thread at a time runs (and frees) a node two graphs share.
        std::unique_lock<std::mutex> node_lock(node->mutex);
        if (node->freed)
            throw std::runtime_error("backward: trying to backward through the graph a second time (another "
                                     "backward freed it at op '" + node->name + "'); specify retain_graph=True");
        check_saved_versions(*node);
        std::vector<Tensor> input_grads = node->backward(g);
        if (input_grads.size() != node->inputs.size()) {
            std::ostringstream os;
            os << "backward: the backward of '" << node->name << "' returned " << input_grads.size()
               << " gradients for its " << node->inputs.size() << " inputs";
            throw std::runtime_error(os.str());
        }
        for (size_t i = 0; i < node->inputs.size(); ++i) {
            const Edge& edge = node->inputs[i];
            const Tensor& ig = input_grads[i];
            if (!edge.active() || !ig.defined()) continue;
            check_gradient(ig, edge.shape(), edge.dtype(), [&] {
                return "the gradient that '" + node->name + "' returned for its input " + std::to_string(i);
            });
            if (anomaly_enabled) check_finite(ig, node->name.c_str(), "gradient");
            if (edge.leaf) {
                accumulate(edge.leaf->grad, ig);
            } else {
                auto [slot, inserted] = pending.try_emplace(edge.node.get(), ig);
                if (!inserted) slot->second = kernels::binary(kernels::BinaryOp::add, slot->second, ig);
            }
        }
        if (!retain_graph) {
            node->backward = nullptr;  // frees the saved tensors now, not when the graph dies
            node->saved.clear();
            node->freed = true;
        }
    }
}

}  // namespace xgrad::autograd
