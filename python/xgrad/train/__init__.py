"""The training loop (a CS231n-Solver-like ``Trainer``), its callbacks and checkpoints.

    history = xgrad.train.fit(model, train_loader, val_loader, loss_fn=nn.CrossEntropyLoss(),
                              optimizer=optim.Adam(model.parameters(), lr=1e-3), epochs=5)
    plt.plot(history.loss)
"""
from .callback import Callback
from .stopping import EarlyStopping, TerminateOnNaN
from .history import History
from .trainer import Trainer, fit, predict
from .lr_finder import LRFinderResult, lr_finder

__all__ = ["Callback", "EarlyStopping", "History", "TerminateOnNaN", "Trainer", "fit", "predict", "lr_finder", "LRFinderResult"]
