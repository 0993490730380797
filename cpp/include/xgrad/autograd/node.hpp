// The graph node: what one op recorded so that backward can push a gradient to its inputs.
//
// A node holds, per input, either the input's own node (a non-leaf) or the input tensor itself (a
// leaf that requires grad, whose .grad receives the gradient). It never holds its output, so the
// graph has no reference cycles and is freed with the last tensor that reaches it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::autograd {

struct Edge {
    std::shared_ptr<Node> node;         // the input's grad_fn, for a non-leaf input
    std::shared_ptr<TensorImpl> leaf;   // the input itself, for a leaf that requires grad
    bool active() const { return node || leaf; }
    // The input's shape and dtype, which its gradient must have.
    const Shape& shape() const;
    DType dtype() const;
};

// A tensor a backward function saved, as the engine checks it: its storage's version when saved
// must still be the version when backward runs, or the gradient would be computed from data
// changed in place since (PyTorch refuses the same).
struct SavedVersion {
    std::shared_ptr<Storage> storage;
    uint64_t version;
    Shape shape;
    DType dtype;
    int role;  // >= 0: that input of the op; -1: its output; -2: a tensor the op computed
};

// Gradient of the output -> gradient per input (an undefined Tensor where an input gets none).
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
    std::string name;               // the op's name, used in error messages and anomaly reports
    std::vector<Edge> inputs;       // one per op input, inactive where no gradient is needed
    BackwardFn backward;            // captures what the op saved; reset when the graph is freed
    Shape output_shape;             // what its gradient must have (from hooks, or as an input's)
    DType output_dtype = DType::float32;
    std::weak_ptr<TensorImpl> retained_output;  // set by retain_grad() on a non-leaf output
    std::vector<std::function<Tensor(const Tensor&)>> hooks;  // run on the output's gradient
    std::vector<SavedVersion> saved;  // what `backward` captured through save(), checked before it runs
    bool freed = false;             // backward ran without retain_graph: `backward` is gone
    std::mutex mutex;               // held while backward runs this node (threads may share it)

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    // Frees the chain of nodes only this one holds with a loop, not by recursion: a graph of a
    // million ops would otherwise overflow the C++ stack when its last tensor dies.
    ~Node();             // backward ran without retain_graph: `backward` is gone
};

inline const Shape& Edge::shape() const { return node ? node->output_shape : leaf->shape; }
inline DType Edge::dtype() const { return node ? node->output_dtype : leaf->dtype; }

// True if any input needs a gradient and grad mode is on: only then does an op record a node.
bool any_requires_grad(const std::vector<Tensor>& inputs);

// Records `out` as produced by op `name` from `inputs`: sets out.requires_grad and out.grad_fn.
// `backward` must not capture `out` itself (capture save(out)). The tensors passed to save() since
// the last attach() on this thread become the node's saved tensors.
void attach(Tensor& out, const char* name, const std::vector<Tensor>& inputs, BackwardFn backward);

// A tensor sharing `t`'s data with no autograd history.
Tensor detach(const Tensor& t);

// What a backward function captures of a tensor: detach(t), with the version of its data recorded
// for the node that the next attach() on this thread creates.
Tensor save(const Tensor& t);

}  // namespace xgrad::autograd
