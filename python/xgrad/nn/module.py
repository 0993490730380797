"""``Module``: the base of every layer and model. Parameters are found by walking attributes, so
Python-defined modules and the built-in layers mix freely."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np

from .. import _checks as check
from .. import _core
from .._tensor.dtypes import Tensor, _dtype, float32
from ..autograd import no_grad
from .parameter import Parameter


def _check_name(name: Any, where: str) -> None:
    """A parameter, buffer or submodule name: a non-empty string without '.' (the separator of
    ``state_dict`` keys)."""
    if not isinstance(name, str):
        raise check.type_error(where, "name", "a string", name)
    if not name or "." in name:
        raise check.value_error(where, "name", "a non-empty string without '.'", name)


class RemovableHandle:
    """Returned by ``register_forward_hook``; ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: Dict[int, Callable]):
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class Module:
    """Base class of layers and models, as in PyTorch: assign Parameters and sub-Modules as
    attributes in ``__init__``, compute in ``forward``, call the module to run it."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------ attribute registration
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign to '{name}' before Module.__init__() is called "
                                 f"(call super().__init__() first in {type(self).__name__}.__init__)")
        if isinstance(value, (Parameter, Module)):
            for store in ("_parameters", "_modules", "_buffers"):
                self.__dict__[store].pop(name, None)
            self.__dict__.pop(name, None)
            (self._parameters if isinstance(value, Parameter) else self._modules)[name] = value
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer '{name}' (a Tensor or None)")
            self._buffers[name] = value
        else:
            if name in self._parameters and value is None:
                self._parameters[name] = None  # e.g. `self.bias = None` keeps declaring no bias
                return
            # as PyTorch: `model.weight = 5` would silently drop the parameter from
            # parameters(), the optimizer and the state dict
            if name in self._parameters:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as parameter '{name}' "
                                f"(an nn.Parameter or None expected)")
            if name in self._modules and value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as child module "
                                f"'{name}' (an nn.Module or None expected)")
            self._parameters.pop(name, None)
            self._modules.pop(name, None)
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_modules", "_buffers"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_modules", "_buffers"):
            if name in self.__dict__[store]:
                del self.__dict__[store][name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add a parameter (or None, to declare an absent one such as a missing bias)."""
        _check_name(name, "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be a Parameter or None, got {type(param).__name__}")
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor]) -> None:
        """Add a non-learnable tensor that is saved in ``state_dict`` (e.g. BatchNorm's running mean)."""
        _check_name(name, "register_buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None, got {type(tensor).__name__}")
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        _check_name(name, "add_module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module, got {type(module).__name__}")
        self._modules[name] = module

    # ------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_hook(self, hook: Callable[["Module", tuple, Any], Any]) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward (the activation monitors use
        this); a non-None return value replaces the output."""
        check.function(hook, "hook", f"{type(self).__name__}.register_forward_hook")
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook: Callable[["Module", tuple], Any]) -> RemovableHandle:
        """Call ``hook(module, inputs)`` before every forward."""
        check.function(hook, "hook", f"{type(self).__name__}.register_forward_pre_hook")
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[Tuple[str, "Module"]]:
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[Tuple[str, "Module"]]:
        seen = set()

        def walk(module: Module, pre: str):
            if id(module) in seen:
                return
            seen.add(id(module))
            yield pre, module
            for name, child in module.named_children():
                yield from walk(child, f"{pre}.{name}" if pre else name)

        yield from walk(self, prefix)

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[Tuple[str, Parameter]]:
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mod_name, module in modules:
            for name, p in module._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "") -> Iterator[Tuple[str, Tensor]]:
        for mod_name, module in self.named_modules(prefix):
            for name, b in module._buffers.items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self) -> Iterator[Tensor]:
        for _, b in self.named_buffers():
            yield b

    def num_parameters(self) -> int:
        """Total number of learnable scalars."""
        return int(sum(p.numel() for p in self.parameters()))

    # ------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> "Module":
        """Training mode (dropout drops, batch norm uses batch statistics); returns self."""
        mode = check.flag(mode, "mode", f"{type(self).__name__}.train")  # train("eval") would train
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (to None by default, as PyTorch does)."""
        set_to_none = check.flag(set_to_none, "set_to_none", f"{type(self).__name__}.zero_grad")
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        requires_grad = check.flag(requires_grad, "requires_grad", f"{type(self).__name__}.requires_grad_")
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every sub-module (children first) and on self, e.g. for initialisation."""
        check.function(fn, "fn", f"{type(self).__name__}.apply")
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, dtype: Any = None, device: Any = None) -> "Module":
        """Convert every parameter and buffer to ``dtype`` in place (float32 or float64).
        ``to("cpu")`` / ``to(device="cpu")`` change nothing (xgrad runs on the CPU); another device
        raises ValueError."""
        from ..device import check_device
        if device is not None:
            check_device(device, f"{type(self).__name__}.to")
        if dtype is None:
            return self
        if (isinstance(dtype, str) and dtype.partition(":")[0] in ("cpu", "cuda", "mps", "xpu", "meta")) \
                or hasattr(dtype, "type"):
            check_device(dtype, f"{type(self).__name__}.to")
            return self
        target = _dtype(dtype)
        for module in self.modules():
            for name, p in list(module._parameters.items()):
                if p is not None and p.dtype != target:
                    module._parameters[name] = Parameter(_core.to_dtype(_core.detach(p), target), p.requires_grad)
            for name, b in list(module._buffers.items()):
                if b is not None and b.dtype != target:
                    module._buffers[name] = _core.to_dtype(b, target)
        return self

    def cpu(self) -> "Module":
        """The module itself (xgrad runs on the CPU), as PyTorch's ``module.cpu()``."""
        return self

    def double(self) -> "Module":
        return self.to(_core.dtype.float64)

    def float(self) -> "Module":
        return self.to(float32)

    # ------------------------------------------------------------ state
    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """Every parameter and buffer by dotted name, as NumPy copies."""
        out: "OrderedDict[str, np.ndarray]" = OrderedDict()
        for name, p in self.named_parameters():
            out[name] = np.array(p.numpy(), copy=True)
        for name, b in self.named_buffers():
            out[name] = np.array(b.numpy(), copy=True)
        return out

    def state_dict_differences(self, state_dict: Dict[str, Any], strict: bool = True,
                               source: str = "the state") -> List[str]:
        """What keeps ``state_dict`` from loading into this module, one message per entry: a shape
        or dtype differing from the parameter or buffer of that name and, with ``strict``, names
        missing from the state or not in the module. Empty when it loads. This is the one check
        behind ``load_state_dict`` and ``Trainer.resume``; ``source`` names the state in the
        messages (e.g. ``"the checkpoint"``)::

            ["0.weight: shape (32, 8) in the state, (16, 8) in the model", "2.bias: missing from the state"]
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise check.type_error(owner, "state_dict", "a mapping of names to arrays (Module.state_dict())",
                                   state_dict)
        strict = check.flag(strict, "strict", owner)
        own = self._state_tensors()
        problems = []
        for k, target in own.items():
            if k not in state_dict:
                continue
            value = state_dict[k]
            if not isinstance(value, (Tensor, np.ndarray, np.generic, int, float)) or isinstance(value, bool):
                raise TypeError(f"{owner}: entry {k!r} must be an array or Tensor, got {check.show(value)} "
                                f"({type(value).__name__})")
            array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if tuple(array.shape) != tuple(target.shape):
                problems.append(f"{k}: shape {tuple(array.shape)} in {source}, {tuple(target.shape)} in the model")
            elif array.dtype != np.dtype(target.dtype.name):
                problems.append(f"{k}: dtype {array.dtype} in {source}, {target.dtype.name} in the model")
        if strict:
            problems += [f"{k}: missing from {source}" for k in own if k not in state_dict]
            problems += [f"{k}: in {source} but not in the model" for k in state_dict if k not in own]
        return problems

    def _state_tensors(self) -> "OrderedDict[str, Tensor]":
        return OrderedDict(list(self.named_parameters()) + list(self.named_buffers()))

    def load_state_dict(self, state_dict: Dict[str, Any], strict: bool = True) -> Tuple[List[str], List[str]]:
        """Copy values into the parameters and buffers. Checks names, shapes and dtypes first
        (``state_dict_differences``) and raises one ``ValueError`` listing every difference, so a
        failed load changes nothing; with ``strict=False`` missing and unexpected names are
        allowed (shapes and dtypes of the names present are still checked). Returns (missing
        keys, unexpected keys)."""
        own = self._state_tensors()
        problems = self.state_dict_differences(state_dict, strict)
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: "
                             + "; ".join(problems))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        with no_grad():
            for k, target in own.items():
                if k in state_dict:
                    value = state_dict[k]
                    array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
                    target.numpy()[...] = array
        return missing, unexpected

    # ------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, child in self._modules.items():
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {child_repr}")
        extra = self.extra_repr()
        head = f"{type(self).__name__}({extra}"
        if not lines:
            return head + ")"
        total = self.num_parameters()
        return head + "\n  " + "\n  ".join(lines) + f"\n)  # {total:,} parameters"

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules) | set(self._buffers))


class Sequential(Module):
    """Modules applied in order: ``Sequential(Linear(64, 32), ReLU(), Linear(32, 10))``."""

    def __init__(self, *modules: Module):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (OrderedDict, dict)):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                if not isinstance(m, Module):
                    raise TypeError(f"Sequential: argument {i} is a {type(m).__name__}, not a Module")
                self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, i: Any) -> Module:
        items = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*items[i])
        return items[_module_index(i, len(items), "Sequential")]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters the parent finds."""

    def __init__(self, modules: Optional[Iterable[Module]] = None):
        super().__init__()
        for m in modules or []:
            self.append(m)

    def append(self, module: Module) -> "ModuleList":
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList.append: expected a Module, got {type(module).__name__}")
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i: int) -> Module:
        items = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(items[i])
        return items[_module_index(i, len(items), "ModuleList")]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


def _module_index(i: Any, n: int, owner: str) -> int:
    """An index into a container of ``n`` modules (negative from the end), as PyTorch's."""
    if not check.is_integer(i):
        raise TypeError(f"{owner}: indices must be integers or slices, got {check.show(i)} ({type(i).__name__})")
    if not -n <= int(i) < n:
        raise IndexError(f"{owner}: index {int(i)} is out of range for {n} modules")
    return int(i)
