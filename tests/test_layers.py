"""Layers (xgrad.nn modules) beyond the op registry: modules with parameters against PyTorch on
the same weights, random convolution configurations, training/eval behaviour, bad input."""
import numpy as np
import pytest

import xgrad
import xgrad.nn as nn
import xgrad.nn.functional as F
from conftest import requires_torch, torch


def to_torch(t, requires_grad=False):
    return torch.tensor(np.array(t.numpy()), requires_grad=requires_grad)


def copy_params(ours, theirs):
    """Copy every parameter of a torch module into the xgrad module with the same names."""
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items() if k in dict(ours.named_parameters())}
    ours.load_state_dict(state, strict=False)


# ---------------------------------------------------------------- convolution

@requires_torch
@pytest.mark.parametrize("seed", range(24))
def test_conv2d_random_configurations_match_torch(seed):
    rng = np.random.default_rng(100 + seed)
    groups = int(rng.choice([1, 1, 2, 3]))
    C, O = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
    N = int(rng.integers(1, 4))
    H = dilation[0] * (kh - 1) + 1 + int(rng.integers(0, 6))
    W = dilation[1] * (kw - 1) + 1 + int(rng.integers(0, 6))
    x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((O, C // groups, kh, kw)), rng.standard_normal(O)
    xs = [xgrad.tensor(a, requires_grad=True) for a in (x, w, b)]
    ts = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = F.conv2d(*xs, stride=stride, padding=padding, dilation=dilation, groups=groups)
    ref = torch.nn.functional.conv2d(*ts, stride=stride, padding=padding, dilation=dilation, groups=groups)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rng.standard_normal(tuple(ref.shape))
    out.backward(xgrad.tensor(g))
    ref.backward(torch.tensor(g))
    for a, t in zip(xs, ts):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)
    if seed < 6:  # a float64 gradcheck on a few random configurations too
        report = xgrad.gradcheck(
            lambda *a: F.conv2d(*a, stride=stride, padding=padding, dilation=dilation, groups=groups),
            [xgrad.tensor(a, requires_grad=True) for a in (x, w, b)], eps=1e-6, atol=1e-7, rtol=1e-5)
        assert report.passed and len(report.inputs) == 3


@requires_torch
def test_conv2d_module_float32_matches_torch():
    xgrad.manual_seed(1)
    conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
    ref = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
    copy_params(conv, ref)
    x = np.random.default_rng(0).standard_normal((4, 3, 11, 10)).astype(np.float32)
    out = conv(xgrad.tensor(x))
    assert out.dtype == xgrad.float32 and out.shape == (4, 8, 6, 5)
    np.testing.assert_allclose(out.numpy(), ref(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_conv2d_init_and_repr():
    conv = nn.Conv2d(4, 6, (3, 5), padding=1, groups=2, bias=False, dtype=xgrad.float64)
    assert conv.weight.shape == (6, 2, 3, 5) and conv.bias is None and conv.weight.dtype == xgrad.float64
    bound = 1 / np.sqrt(2 * 3 * 5)  # U(-b, b) with b = 1/sqrt(fan_in), fan_in = (4 / groups) * 3 * 5
    # 180 draws: the largest is within 10% of the bound unless the draws are not U(-b, b) (p ~ 0.9^180)
    assert 0.9 * bound < np.abs(conv.weight.numpy()).max() <= bound
    assert "groups=2" in repr(conv) and "bias=False" in repr(conv)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 2 * 2, 2))
    assert f"{3 * 4 * 9 + 4 + 16 * 2 + 2:,} parameters" in repr(net)


def test_conv2d_same_padding_keeps_size_and_pads_half_the_dilated_kernel():
    x = np.random.default_rng(0).standard_normal((1, 2, 7, 6))
    conv = nn.Conv2d(2, 3, (5, 3), padding="same", dilation=(1, 2), dtype=xgrad.float64)
    out = conv(xgrad.tensor(x))
    assert out.shape == (1, 3, 7, 6)
    # effective kernel 5x5 (3 taps dilated by 2): 'same' is padding (2, 2); F.conv2d is checked against
    # NumPy for explicit padding in the op registry
    expected = F.conv2d(xgrad.tensor(x), conv.weight, conv.bias, padding=(2, 2), dilation=(1, 2)).numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="Conv2d: padding='same' needs stride 1 and an odd effective kernel size"):
        nn.Conv2d(2, 3, 4, padding="same")  # refused when built, not at the first forward
    with pytest.raises(ValueError, match="conv2d: padding='same' needs stride 1 and an odd effective kernel size"):
        F.conv2d(xgrad.tensor(x), xgrad.ones(3, 2, 4, 4, dtype=xgrad.float64), padding="same")


@requires_torch
def test_small_cnn_matches_torch():
    """The benchmark's CNN, float64: loss and every parameter's gradient equal PyTorch's."""
    def build(m):
        return m.Sequential(m.Conv2d(3, 8, 3, padding=1), m.ReLU(), m.MaxPool2d(2), m.Conv2d(8, 6, 3, padding=1),
                            m.ReLU(), m.AvgPool2d(2), m.Flatten(), m.Linear(6 * 2 * 2, 5))
    ours, theirs = build(nn).double(), build(torch.nn).double()
    copy_params(ours, theirs)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3, 3, 8, 8)), np.array([0, 4, 2])
    loss = F.cross_entropy(ours(xgrad.tensor(x)), y)
    ref = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    ref.backward()
    assert abs(loss.item() - ref.item()) < 1e-12
    tp = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[name].grad.numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("call,match", [
    (lambda: F.conv2d(xgrad.randn(3, 8, 8), xgrad.randn(4, 3, 3, 3)), r"conv2d: input must be 4-D .*\(3, 8, 8\)"),
    (lambda: F.conv2d(xgrad.randn(1, 5, 8, 8), xgrad.randn(4, 3, 3, 3)), r"conv2d: .* has 5 channels.* expects 3"),
    (lambda: F.conv2d(xgrad.randn(1, 3, 2, 2), xgrad.randn(4, 3, 3, 3)), r"conv2d: kernel of size 3x3 .* larger than the padded input 2x2"),
    (lambda: F.conv2d(xgrad.randn(1, 4, 8, 8), xgrad.randn(3, 2, 3, 3), groups=2), r"conv2d: out_channels 3 .*not divisible by groups=2"),
    (lambda: F.conv2d(xgrad.randn(1, 3, 8, 8), xgrad.randn(4, 3, 3, 3), xgrad.randn(5)), r"conv2d: bias of shape \(5,\)"),
    (lambda: F.conv2d(xgrad.randn(1, 3, 8, 8), xgrad.randn(4, 3, 3, 3), stride=0), r"conv2d: stride must be a positive integer or a pair of them, got 0"),
    (lambda: nn.Conv2d(3, 4, 3)(xgrad.randn(2, 4, 8, 8)), r"conv2d: .* has 4 channels"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), r"Conv2d: in_channels \(3\) .* divisible by groups \(2\)"),
    (lambda: F.max_pool2d(xgrad.randn(1, 1, 2, 2), 3), r"max_pool2d: kernel of size 3 .* larger than the padded input 2"),
    (lambda: F.max_pool2d(xgrad.randn(2, 4, 4), 2), r"max_pool2d: input must be 4-D"),
    (lambda: F.max_pool2d(xgrad.randn(1, 1, 8, 8), 2, padding=2), r"max_pool2d: padding 2 must be at most half"),
    (lambda: F.avg_pool2d(xgrad.randn(1, 1, 3, 3), 4), r"avg_pool2d: kernel of size 4"),
    (lambda: F.adaptive_avg_pool2d(xgrad.randn(1, 1, 3, 3), 0), r"adaptive_avg_pool2d: output_size must be a positive integer or a pair of them, got 0"),
    (lambda: F.fractional_max_pool2d(xgrad.randn(1, 1, 5, 5), 3, (4, 4)), r"fractional_max_pool2d: output \(4, 4\) with kernel \(3, 3\) needs an input of at least 6x6"),
    (lambda: F.fractional_max_pool2d(xgrad.randn(1, 1, 5, 5), 2, output_ratio=1.5), r"fractional_max_pool2d: output_ratio must be a number in \(0, 1\), got 1.5"),
])
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- pooling modules

def test_pooling_modules_pass_their_arguments_on():
    """Each module equals its functional form with the same arguments (the functional forms are
    checked against NumPy in the op registry)."""
    x = xgrad.tensor(np.random.default_rng(0).standard_normal((2, 3, 8, 6)))
    cases = [(nn.MaxPool2d(2), lambda t: F.max_pool2d(t, 2), (2, 3, 4, 3)),
             (nn.MaxPool2d(3, stride=1, padding=1), lambda t: F.max_pool2d(t, 3, 1, 1), (2, 3, 8, 6)),
             (nn.AvgPool2d(3, stride=2, padding=1), lambda t: F.avg_pool2d(t, 3, 2, 1), (2, 3, 4, 3)),
             (nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
              lambda t: F.avg_pool2d(t, 3, 2, 1, count_include_pad=False), (2, 3, 4, 3))]
    for module, functional, shape in cases:
        out = module(x)
        assert out.shape == shape, repr(module)
        np.testing.assert_array_equal(out.numpy(), functional(x).numpy(), err_msg=repr(module))
    # count_include_pad changes the border cells, so the flag does reach the kernel
    assert not np.array_equal(cases[2][0](x).numpy(), cases[3][0](x).numpy())
    g = nn.AdaptiveAvgPool2d(1)(x)
    np.testing.assert_allclose(g.numpy()[..., 0, 0], x.numpy().mean((2, 3)), rtol=1e-12)
    flat = nn.Flatten()(g)
    assert flat.shape == (2, 3)
    np.testing.assert_array_equal(flat.numpy(), g.numpy().reshape(2, 3))


def test_fractional_max_pool_random_when_training_fixed_in_eval():
    pool = nn.FractionalMaxPool2d(2, output_ratio=0.7)
    x = xgrad.tensor(np.random.default_rng(0).permutation(2 * 2 * 10 * 10).reshape(2, 2, 10, 10).astype(np.float32))
    outs = [pool(x).numpy().copy() for _ in range(6)]
    assert outs[0].shape == (2, 2, 7, 7)
    assert any(not np.array_equal(outs[0], o) for o in outs[1:]), "training windows should vary between calls"
    xgrad.manual_seed(5)
    a = pool(x).numpy().copy()
    xgrad.manual_seed(5)
    np.testing.assert_array_equal(a, pool(x).numpy())  # the generator makes it repeatable
    pool.eval()
    np.testing.assert_array_equal(pool(x).numpy(), pool(x).numpy())


# ---------------------------------------------------------------- normalisation

@requires_torch
@pytest.mark.parametrize("kind,shape,momentum", [
    ("BatchNorm2d", (4, 3, 5, 6), 0.1), ("BatchNorm2d", (2, 5, 3, 3), None), ("BatchNorm1d", (6, 4), 0.3),
    ("BatchNorm1d", (3, 4, 7), 0.1)])
def test_batchnorm_running_stats_and_eval_match_torch(kind, shape, momentum):
    """Several training steps (forward + backward + SGD on gamma/beta), then eval: the running
    statistics, the outputs and the gradients equal PyTorch's."""
    C = shape[1]
    ours = getattr(nn, kind)(C, momentum=momentum, dtype=xgrad.float64)
    theirs = getattr(torch.nn, kind)(C, momentum=momentum).double()
    rng = np.random.default_rng(0)
    for step in range(4):
        x = rng.standard_normal(shape) * (step + 1) + step
        xo, xt = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yo, yt = ours(xo), theirs(xt)
        np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = rng.standard_normal(shape)
        yo.backward(xgrad.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
        with xgrad.no_grad(), torch.no_grad():
            for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
                np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12)
                p.numpy()[...] -= 0.1 * p.grad.numpy()
                q -= 0.1 * q.grad
                p.grad, q.grad = None, None
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-12)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 4
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    xo, xt = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    yo.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-10)
    before = ours.running_mean.numpy().copy()
    ours(xgrad.tensor(x))
    np.testing.assert_array_equal(ours.running_mean.numpy(), before)  # eval leaves the statistics alone


def test_batchnorm_eval_is_per_channel_affine_of_running_stats():
    bn = nn.BatchNorm2d(2, dtype=xgrad.float64)
    bn.running_mean.numpy()[...] = [1.0, -2.0]
    bn.running_var.numpy()[...] = [4.0, 0.25]
    bn.weight.numpy()[...] = [2.0, 3.0]
    bn.bias.numpy()[...] = [0.5, 0.0]
    bn.eval()
    x = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    expected = (x - np.array([1.0, -2.0])[:, None, None]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)[:, None, None]
    expected = expected * np.array([2.0, 3.0])[:, None, None] + np.array([0.5, 0.0])[:, None, None]
    np.testing.assert_allclose(bn(xgrad.tensor(x)).numpy(), expected, rtol=1e-12)


@requires_torch
def test_instance_norm_running_stats_match_torch():
    ours = nn.InstanceNorm2d(3, affine=True, track_running_stats=True, dtype=xgrad.float64)
    theirs = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True).double()
    rng = np.random.default_rng(2)
    for _ in range(3):
        x = rng.standard_normal((2, 3, 4, 5)) * 2 + 1
        np.testing.assert_allclose(ours(xgrad.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-12)
    ours.eval(), theirs.eval()
    x = rng.standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(ours(xgrad.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10,
                               atol=1e-12)


@requires_torch
def test_layer_group_norm_modules_match_torch():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 6, 3, 4))
    for ours, theirs in [(nn.LayerNorm((3, 4), dtype=xgrad.float64), torch.nn.LayerNorm((3, 4)).double()),
                         (nn.GroupNorm(3, 6, dtype=xgrad.float64), torch.nn.GroupNorm(3, 6).double())]:
        for p, q in zip(ours.parameters(), theirs.parameters()):
            v = rng.standard_normal(tuple(q.shape))
            p.numpy()[...] = v
            q.data = torch.tensor(v)
        np.testing.assert_allclose(ours(xgrad.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("call,match", [
    (lambda: nn.BatchNorm2d(3)(xgrad.randn(2, 3, 4)), r"BatchNorm2d: expected a 4-D input \(N, C, H, W\), got shape \(2, 3, 4\)"),
    (lambda: nn.BatchNorm2d(3)(xgrad.randn(2, 4, 3, 3)), r"BatchNorm2d: expected 3 channels .* \(2, 4, 3, 3\)"),
    (lambda: nn.BatchNorm1d(3)(xgrad.randn(1, 3)), r"batch_norm: expected more than 1 value per channel"),
    (lambda: nn.LayerNorm(5)(xgrad.randn(2, 4)), r"LayerNorm: input of shape \(2, 4\) does not end with"),
    (lambda: nn.GroupNorm(4, 6), r"GroupNorm: num_channels \(6\) must be divisible by num_groups \(4\)"),
    (lambda: F.group_norm(xgrad.randn(2, 6, 3), 4), r"group_norm: 6 channels .* not divisible into 4 groups"),
    (lambda: nn.InstanceNorm2d(3)(xgrad.randn(2, 2, 3, 3)), r"InstanceNorm2d: expected 3 channels"),
    (lambda: F.batch_norm(xgrad.randn(4, 3), xgrad.zeros(2), xgrad.ones(2)), r"batch_norm: running_mean of shape \(2,\)"),
])
def test_norm_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- activations, dropout family, residual

@requires_torch
def test_prelu_module_learns_slope_like_torch():
    ours, theirs = nn.PReLU(3, dtype=xgrad.float64), torch.nn.PReLU(3).double()
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 2))
    yo, yt = ours(xgrad.tensor(x)), theirs(torch.tensor(x))
    yo.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-12)


def test_maxout_layer_is_max_of_k_linear_pieces():
    layer = nn.Maxout(5, 4, k=3, dtype=xgrad.float64)
    x = np.random.default_rng(0).standard_normal((2, 5))
    pieces = x @ layer.linear.weight.numpy().T + layer.linear.bias.numpy()
    np.testing.assert_allclose(layer(xgrad.tensor(x)).numpy(), pieces.reshape(2, 4, 3).max(-1), rtol=1e-12)
    assert layer.num_parameters() == 5 * 12 + 12


@pytest.mark.parametrize("scale_at_test", [False, True])
def test_dropout_statistics_and_modes(scale_at_test):
    p = 0.3
    drop = nn.Dropout(p, scale_at_test=scale_at_test)
    x = xgrad.ones(200, 500)
    y = drop(x).numpy()
    kept = y != 0
    assert abs(kept.mean() - (1 - p)) < 0.01  # 100k Bernoulli draws: std ~0.0015
    np.testing.assert_allclose(y[kept], 1.0 if scale_at_test else 1 / (1 - p), rtol=1e-6)
    drop.eval()
    np.testing.assert_allclose(drop(x).numpy(), (1 - p) if scale_at_test else 1.0, rtol=1e-6)
    # the expected training output equals the eval output in both variants
    drop.train()
    assert abs(drop(x).numpy().mean() - drop.eval()(x).numpy().mean()) < 0.02


def test_dropout_gradient_uses_the_same_mask_and_is_repeatable():
    x = xgrad.tensor(np.random.default_rng(0).standard_normal((6, 7)), requires_grad=True)
    xgrad.manual_seed(3)
    y = F.dropout(x, 0.5)
    y.backward(xgrad.ones(6, 7, dtype=xgrad.float64))
    mask = y.numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), mask * 2.0)
    xgrad.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), y.numpy())


def test_dropconnect_masks_weights_in_training_only():
    lin = nn.Linear(50, 40, dtype=xgrad.float64)
    dc = nn.DropConnect(lin, p=0.5)
    x = np.eye(50)
    w_eff = dc(xgrad.tensor(x)).numpy() - lin.bias.numpy()  # row i = column i of the masked W^T
    dropped = np.isclose(w_eff, 0)
    assert 0.4 < dropped.mean() < 0.6
    np.testing.assert_allclose(w_eff[~dropped], 2 * lin.weight.numpy().T[~dropped], rtol=1e-12)
    dc.eval()
    np.testing.assert_allclose(dc(xgrad.tensor(x)).numpy(), lin(xgrad.tensor(x)).numpy())
    assert dict(dc.named_parameters()).keys() == {"linear.weight", "linear.bias"}


def test_stochastic_depth_drops_whole_samples_and_scales_in_eval():
    sd = nn.StochasticDepth(0.25)
    y = sd(xgrad.ones(400, 3, 2, 2)).numpy()
    per_sample = y.reshape(400, -1)
    assert np.all((per_sample == 0).all(1) | (per_sample == 1).all(1))  # all or nothing per sample
    assert abs((per_sample[:, 0] == 0).mean() - 0.25) < 0.07
    sd.eval()
    np.testing.assert_allclose(sd(xgrad.ones(2, 3)).numpy(), 0.75)
    batch = nn.StochasticDepth(0.5, mode="batch", scale_at_test=False)
    y = batch(xgrad.ones(8, 3)).numpy()
    assert np.all(y == 0) or np.all(y == 2.0)


def test_residual_block_adds_identity_and_projects_when_needed():
    body = nn.Linear(4, 4, dtype=xgrad.float64)
    res = nn.Residual(body)
    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_allclose(res(xgrad.tensor(x)).numpy(), body(xgrad.tensor(x)).numpy() + x, rtol=1e-12)
    # ResidualBlock: relu(body(x) + shortcut(x)); the shortcut is a strided 1x1 conv + BN when the shape
    # changes, the identity otherwise (BatchNorm in training mode: calling the body again gives the same output)
    x = xgrad.randn(2, 3, 8, 8, dtype=xgrad.float64)
    block = nn.ResidualBlock(3, 8, stride=2, dtype=xgrad.float64)
    out = block(x).numpy()
    assert out.shape == (2, 8, 4, 4)
    assert [type(m).__name__ for m in block.shortcut] == ["Conv2d", "BatchNorm2d"]
    np.testing.assert_allclose(out, np.maximum(block.body(x).numpy() + block.shortcut(x).numpy(), 0), rtol=1e-12)
    x = xgrad.randn(2, 8, 4, 4, dtype=xgrad.float64)
    same = nn.ResidualBlock(8, 8, dtype=xgrad.float64)
    assert same.shortcut is None
    np.testing.assert_allclose(same(x).numpy(), np.maximum(same.body(x).numpy() + x.numpy(), 0), rtol=1e-12)
    with pytest.raises(ValueError, match=r"Residual: the body's output \(3, 5\)"):
        nn.Residual(nn.Linear(4, 5))(xgrad.randn(3, 4))


@pytest.mark.parametrize("call,match", [
    (lambda: nn.Dropout(1.0), r"Dropout: p \(the probability of dropping\) must be a number in \[0, 1\), got 1.0"),
    (lambda: F.dropout(xgrad.randn(3), -0.1), r"dropout: p .* got -0.1"),
    (lambda: nn.StochasticDepth(1.5), r"StochasticDepth: p .* got 1.5"),
    (lambda: nn.DropConnect(nn.Linear(2, 2), 1.0), r"DropConnect: p"),
    (lambda: F.prelu(xgrad.randn(2, 3), xgrad.ones(4)), r"prelu: weight of shape \(4,\) must have 1 element .* or 3"),
    (lambda: F.maxout(xgrad.randn(2, 5), 2), r"maxout: dimension 1 of input \(2, 5\) has size 5"),
    (lambda: F.gelu(xgrad.randn(2), approximate="fast"), r"gelu: approximate must be"),
])
def test_activation_dropout_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- losses

def test_loss_modules_and_sanity_values():
    C = 10
    x = xgrad.zeros(4, C)
    y = np.array([0, 3, 9, 1])
    assert abs(nn.CrossEntropyLoss()(x, y).item() - np.log(C)) < 1e-6  # the lectures' ln C sanity check
    assert abs(nn.MultiMarginLoss()(x, y).item() - (C - 1) / C) < 1e-6  # all-zero scores: margin 1 for 9 classes
    logits = xgrad.randn(6, C)
    labels = np.arange(6)
    assert abs(nn.FocalLoss(gamma=0.0)(logits, labels).item() - nn.CrossEntropyLoss()(logits, labels).item()) < 1e-6
    assert nn.FocalLoss(gamma=2.0)(logits, labels).item() < nn.CrossEntropyLoss()(logits, labels).item()
    lp = xgrad.log_softmax(logits, 1)
    assert abs(nn.NLLLoss()(lp, labels).item() - nn.CrossEntropyLoss()(logits, labels).item()) < 1e-5
    a, b = np.random.default_rng(0).standard_normal((2, 2, 3))
    np.testing.assert_allclose(nn.MSELoss(reduction="none")(xgrad.tensor(a), b).numpy(), (a - b) ** 2, rtol=1e-12)
    assert nn.MSELoss()(xgrad.tensor(a), b).item() == pytest.approx(((a - b) ** 2).mean(), rel=1e-12)
    assert nn.L1Loss(reduction="sum")(xgrad.tensor(a), b).item() == pytest.approx(np.abs(a - b).sum(), rel=1e-12)


@requires_torch
def test_cross_entropy_ignore_index_and_bce_weight_match_torch():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4)), np.array([1, -100, 3, 0, -100, 2])
    X, T = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a = F.cross_entropy(X, y, label_smoothing=0.1)
    b = torch.nn.functional.cross_entropy(T, torch.tensor(y), label_smoothing=0.1)
    a.backward(), b.backward()
    assert abs(a.item() - b.item()) < 1e-12
    np.testing.assert_allclose(X.grad.numpy(), T.grad.numpy(), atol=1e-14)
    p, t, w = rng.uniform(0.05, 0.95, (3, 5)), rng.integers(0, 2, (3, 5)).astype(float), rng.uniform(0, 2, (5,))
    a = nn.BCELoss(weight=xgrad.tensor(w))(xgrad.tensor(p), t)
    b = torch.nn.BCELoss(weight=torch.tensor(w))(torch.tensor(p), torch.tensor(t))
    assert abs(a.item() - b.item()) < 1e-12


@pytest.mark.parametrize("call,match", [
    (lambda: F.cross_entropy(xgrad.randn(3, 4), np.array([0, 4, 1])), r"cross_entropy: target 4 at position 1 is out of range for 4 classes"),
    (lambda: F.cross_entropy(xgrad.randn(3, 4), np.array([0, 1])), r"cross_entropy: logits of shape \(3, 4\) need 3 targets, got 2"),
    (lambda: F.cross_entropy(xgrad.randn(3, 4), [0, 1, 2], weight=xgrad.ones(3)), r"cross_entropy: weight of shape \(3,\) must have one entry per class \(4\)"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), r"CrossEntropyLoss: label_smoothing must be a number in \[0, 1\], got 1.5"),
    (lambda: F.nll_loss(xgrad.randn(2, 3), [0, -2]), r"nll_loss: target -2"),
    (lambda: F.multi_margin_loss(xgrad.randn(2, 3), [0, 3]), r"multi_margin_loss: target 3"),
    (lambda: F.focal_loss(xgrad.randn(2, 3), [0, 1], alpha=[1, 2]), r"focal_loss: alpha must be one number or one per class \(3\)"),
    (lambda: F.mse_loss(xgrad.randn(2, 3), xgrad.randn(3, 2)), r"mse_loss: target of shape \(3, 2\) must have the shape of the input \(2, 3\)"),
    (lambda: F.binary_cross_entropy(xgrad.tensor([0.5, 1.5]), [0.0, 1.0]), r"binary_cross_entropy: input must be probabilities in \[0, 1\]"),
    (lambda: nn.CrossEntropyLoss(reduction="avg"), r"reduction must be one of"),
])
def test_loss_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
