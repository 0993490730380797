"""Reference result: a 784-256-128-10 MLP with BatchNorm1d + ReLU, Adam, batch 128, reaches
>= 96.5% test accuracy on full MNIST within 5 epochs through xgrad.train.Trainer and
xgrad.data.DataLoader (about 30-60 s on 2 shared cores)."""
import math

import numpy as np
import pytest

import xgrad
from xgrad import nn


def load():
    try:
        return xgrad.data.load_mnist()
    except xgrad.data.DatasetNotFoundError as e:
        pytest.skip(f"MNIST not available: {e}")


@pytest.mark.slow
def test_batchnorm_mlp_reaches_96_5_percent_on_mnist_in_5_epochs():
    splits = load()
    x_train = splits.x_train.reshape(len(splits.x_train), -1)
    x_test = splits.x_test.reshape(len(splits.x_test), -1)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)

    xgrad.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
        nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 10),
    )
    optimizer = xgrad.optim.Adam(model.parameters(), lr=1e-3)
    train_loader = xgrad.data.DataLoader((x_train, splits.y_train), batch_size=128, shuffle=True)
    test_loader = xgrad.data.DataLoader((x_test, splits.y_test), batch_size=1000)
    trainer = xgrad.train.Trainer(model, nn.CrossEntropyLoss(), optimizer, progress=False)
    history = trainer.fit(train_loader, test_loader, epochs=5)

    assert history.loss[0] == pytest.approx(math.log(10), abs=0.5)  # the lectures' initial-loss check
    assert history.val_acc[-1] >= 0.965, f"test accuracy per epoch: {history.val_acc}"
    # the Trainer's accuracy is the argmax hit rate of the predicted logits
    logits = trainer.predict(x_test)
    assert np.mean(logits.argmax(1) == splits.y_test) == pytest.approx(history.val_acc[-1])
