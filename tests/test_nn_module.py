"""Module basics: parameters, modes, state_dict, hooks, Python-defined modules."""
import numpy as np
import pytest

import xgrad
from conftest import TORCH_MISSING, torch
from xgrad import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 3)
        self.out = nn.Linear(3, 2)
        self.scale = nn.Parameter(xgrad.ones(1))
        self.note = "not a parameter"

    def forward(self, x):
        return self.out(self.hidden(x).relu()) * self.scale


def test_parameters_are_found_by_walking_attributes():
    m = TwoLayer()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert m.num_parameters() == 1 + 4 * 3 + 3 + 3 * 2 + 2
    assert [type(c).__name__ for c in m.children()] == ["Linear", "Linear"]
    assert all(p.requires_grad and p.is_leaf for p in m.parameters())


def test_train_eval_propagates():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    m.eval()
    assert all(not sub.training for sub in m.modules())
    m.train()
    assert all(sub.training for sub in m.modules())


def test_zero_grad_and_backward_through_a_python_module():
    m = TwoLayer()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    m(xgrad.tensor(x)).sum().backward()
    # sum(s * (relu(x W1' + b1) W2' + b2)) by hand, in float64
    w1, b1, w2, b2, s = (m.hidden.weight.numpy().astype(np.float64), m.hidden.bias.numpy().astype(np.float64),
                         m.out.weight.numpy().astype(np.float64), m.out.bias.numpy().astype(np.float64),
                         float(m.scale.item()))
    z = x @ w1.T + b1
    h = np.maximum(z, 0)
    g_h = s * np.ones((5, 2)) @ w2 * (z > 0)
    expected = {"scale": [(h @ w2.T + b2).sum()], "hidden.weight": g_h.T @ x, "hidden.bias": g_h.sum(0),
                "out.weight": s * np.ones((2, 5)) @ h, "out.bias": s * np.full(2, 5.0)}
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), expected[name], rtol=1e-5, atol=1e-6, err_msg=name)
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_state_dict_roundtrip_and_checks():
    a, b = TwoLayer(), TwoLayer()
    b.load_state_dict(a.state_dict())
    x = xgrad.randn(3, 4)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    bad = a.state_dict()
    bad["hidden.weight"] = np.zeros((2, 2), np.float32)
    del bad["out.bias"]
    bad["extra"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"hidden.weight: shape \(2, 2\).*out.bias: missing.*extra: in the state"):
        b.load_state_dict(bad)


def test_forward_hooks_see_activations_and_can_be_removed():
    m = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    seen = []
    handle = m[1].register_forward_hook(lambda mod, inp, out: seen.append((inp[0].numpy().copy(), out.numpy().copy())))
    y = m(xgrad.randn(2, 4))
    handle.remove()
    m(xgrad.randn(2, 4))
    assert len(seen) == 1
    inp, out = seen[0]
    np.testing.assert_array_equal(out, y.numpy())  # the ReLU's output is the model's output
    np.testing.assert_array_equal(out, np.maximum(inp, 0))  # and its input is the Linear's output
    assert (inp < 0).any()  # so the check above is not vacuous


def test_repr_shows_structure_and_counts():
    r = repr(nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)))
    assert "(0): Linear(in_features=64, out_features=32, bias=True)" in r and "2,410 parameters" in r


def test_float64_layers_for_gradient_checks():
    layer = nn.Linear(3, 2, dtype=xgrad.float64)
    assert layer.weight.dtype == xgrad.float64
    x = xgrad.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    report = xgrad.gradcheck(lambda x, w, b: nn.functional.linear(x, w, b), [x, layer.weight, layer.bias])
    assert report.passed and len(report.inputs) == 3


def test_linear_init_bounds():
    xgrad.manual_seed(0)
    layer = nn.Linear(400, 300)
    w = layer.weight.numpy()
    bound = 1 / np.sqrt(400)
    assert w.min() >= -bound and w.max() <= bound
    # U(-b, b) has variance b^2/3; 120k samples pin it to ~1%
    assert w.var() == pytest.approx(bound ** 2 / 3, rel=0.03)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
def test_mlp_loss_and_gradients_match_torch():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 5)), rng.integers(0, 3, 8)
    ours = nn.Sequential(nn.Linear(5, 4, dtype=xgrad.float64), nn.ReLU(), nn.Linear(4, 3, dtype=xgrad.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3)).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.tensor(p.numpy()))
    loss = nn.CrossEntropyLoss()(ours(xgrad.tensor(x)), y)
    ref = torch.nn.CrossEntropyLoss()(theirs(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    ref.backward()
    assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_deepcopy_and_pickle_give_independent_equal_modules():
    import copy
    import pickle
    xgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model(xgrad.randn(8, 3)).sum().backward()  # fills grads and running statistics
    x = xgrad.randn(5, 3)
    model.eval()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        clone.eval()
        np.testing.assert_array_equal(clone(x).numpy(), model(x).numpy())
        assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight.requires_grad
        np.testing.assert_array_equal(clone[1].running_mean.numpy(), model[1].running_mean.numpy())
        with xgrad.no_grad():
            clone[0].weight.fill_(0.0)
        assert not np.all(model[0].weight.numpy() == 0.0)  # the copy owns its memory
    copied = copy.deepcopy(model)
    np.testing.assert_array_equal(copied[0].weight.grad.numpy(), model[0].weight.grad.numpy())
    nonleaf = model[0].weight * 2
    with pytest.raises(RuntimeError, match="leaf"):
        copy.deepcopy(nonleaf)
