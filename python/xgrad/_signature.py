"""Constructors whose signature comes from a declaration in the core (an optimizer's update rule,
an activation's registered op) rather than from a hand-written ``def __init__``, so that the
defaults are written once and ``help()``, ``inspect.signature`` and Jupyter still show them."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List


def declared_init(cls: type, parameters: List[inspect.Parameter],
                  build: Callable[[Any, Dict[str, Any]], None]) -> Callable[..., None]:
    """An ``__init__(self, <parameters>)`` for ``cls``: binds the call to the signature (a
    TypeError naming the class otherwise), applies the defaults and hands ``build(self,
    arguments)`` the arguments by name."""
    signature = inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + parameters)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{type(self).__name__}: {e}") from None
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        del arguments["self"]
        build(self, arguments)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    __init__.__qualname__ = f"{cls.__name__}.__init__"
    return __init__


def keyword(name: str, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    """A parameter that may be given by position or by name."""
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
