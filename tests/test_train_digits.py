"""The first vertical slice: a 64-32-10 MLP trained on scikit-learn's 8x8 digits."""
import numpy as np
import pytest

import xgrad
from xgrad import nn

sklearn = pytest.importorskip("sklearn", reason="scikit-learn is part of the test extra")


def load_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def train(seed):
    x_train, x_test, y_train, y_test = load_split()
    xgrad.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = xgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    order = np.random.default_rng(seed)
    losses = []
    for epoch in range(20):
        perm = order.permutation(len(x_train))
        for start in range(0, len(x_train), 32):
            idx = perm[start:start + 32]
            loss = loss_fn(model(xgrad.tensor(x_train[idx])), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    with xgrad.no_grad():
        accuracy = float((model(xgrad.tensor(x_test)).argmax(1) == y_test).float().mean())
    return accuracy, losses


def test_mlp_reaches_95_percent_on_held_out_digits():
    accuracy, losses = train(seed=0)
    assert losses[0] == pytest.approx(np.log(10), abs=0.3)  # the lectures' sanity check
    assert np.mean(losses[-20:]) < 0.1 * losses[0]
    assert accuracy >= 0.95


def test_training_is_repeatable_bit_for_bit():
    a = train(seed=3)
    b = train(seed=3)
    assert a[1] == b[1] and a[0] == b[0]
