"""Once warm, a training step takes every buffer from the caching allocator: no allocation goes
to the system (the issue's "no per-step allocation on the hot path"), for the lecture workloads'
MLP (BatchNorm, Adam) and CNN (convolutions by gemm and by Winograd, BatchNorm2d, pooling, SGD
with momentum)."""
import numpy as np
import pytest

import xgrad
from xgrad import _core, nn


def _misses_over_warm_steps(model, x, y, optimizer, warm=3, steps=5):
    loss_fn = nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.item())

    for _ in range(warm):
        step()
    before = _core.allocator_stats()
    losses = [step() for _ in range(steps)]
    after = _core.allocator_stats()
    assert np.all(np.isfinite(losses))
    return after["misses"] - before["misses"], after["hits"] - before["hits"], after["live_bytes"] - before["live_bytes"]


def test_a_warm_mlp_step_allocates_nothing_new():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 128),
                          nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 10))
    misses, hits, live = _misses_over_warm_steps(model, xgrad.tensor(rng.random((128, 784), dtype=np.float32)),
                                                 xgrad.tensor(rng.integers(0, 10, 128)),
                                                 xgrad.optim.Adam(model.parameters(), lr=1e-3))
    assert misses == 0 and hits > 0 and live == 0


@pytest.mark.parametrize("algorithm", ["gemm", "winograd"])
def test_a_warm_cnn_step_allocates_nothing_new(algorithm):
    rng = np.random.default_rng(1)
    model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * 4 * 4, 10))
    with xgrad.backend.conv_algorithm(algorithm):
        misses, hits, live = _misses_over_warm_steps(model, xgrad.tensor(rng.random((16, 3, 16, 16), dtype=np.float32)),
                                                     xgrad.tensor(rng.integers(0, 10, 16)),
                                                     xgrad.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    assert misses == 0 and hits > 0 and live == 0
