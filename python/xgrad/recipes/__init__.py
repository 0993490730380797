"""Experiment recipes: a lecture's experiment as its own code runs it, with xgrad's layers and
optimizers, for the notebooks and tests that reproduce its published numbers."""
from . import ai_edu

__all__ = ["ai_edu"]
