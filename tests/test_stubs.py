"""The type stubs of the registered ops are generated with the core (cpp/stubs/generate_stubs.cpp)
and installed beside the package: they list every registered op with the signature Python sees,
and the hand-written part of the Tensor stub (cpp/stubs/_core.pyi.in) declares every method that
xgrad/_tensor/methods.py attaches."""
import ast
import os
from pathlib import Path

import pytest

import xgrad
from xgrad import _core
from xgrad._tensor import methods
from xgrad._tensor.registered import FUNCTIONAL, REGISTRY


def stub_root() -> Path:
    """Where the build put xgrad/_core.pyi: beside the installed extension, or (an in-tree
    development build) in the build directory's python-stubs/xgrad."""
    core = Path(_core.__file__)
    for candidate in (core.parent, Path(os.path.realpath(core)).parent / "python-stubs" / "xgrad"):
        if (candidate / "_core.pyi").is_file():
            return candidate
    pytest.fail(f"no generated _core.pyi beside {core} (the build writes it; was the core built with CMake?)")


def parse(relative: str) -> ast.Module:
    return ast.parse((stub_root() / relative).read_text())


def same_signature(fn: ast.FunctionDef, signature: str) -> bool:
    """Whether the stub's def has the registry's Python signature (names, annotations, defaults)."""
    expected = ast.parse(f"def {signature}: ...").body[0]
    return ast.dump(fn.args) == ast.dump(expected.args) and ast.dump(fn.returns) == ast.dump(expected.returns)


def declared_all(module: ast.Module) -> list:
    for node in module.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "__all__":
            return ast.literal_eval(node.value)
    raise AssertionError("the stub has no __all__")


def test_core_stub_declares_every_registered_function_and_method():
    module = parse("_core.pyi")
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    tensor = next(n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    tensor_methods = {n.name: n for n in tensor.body if isinstance(n, ast.FunctionDef)}
    for name, op in REGISTRY.items():
        assert name in functions, f"_core.pyi lacks the function {name}"
        assert same_signature(functions[name], op["signature"]), (name, op["signature"])
        assert ast.get_docstring(functions[name]) == op["doc"]
        if op["method"]:
            assert name in tensor_methods, f"_core.pyi's Tensor lacks the method {name}"
            assert tensor_methods[name].args.args[0].arg == "self"
            assert [a.arg for a in tensor_methods[name].args.args[1:]] == [p["name"] for p in op["params"]]


def test_signatures_in_the_stub_match_the_runtime_defaults():
    module = parse("_core.pyi")
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    for name, op in REGISTRY.items():
        args = functions[name].args
        defaults = [ast.literal_eval(d) for d in args.defaults]
        expected = [p["default"] for p in op["params"] if p["kind"] != "tensor"]
        assert defaults == expected, name


def test_reexport_stubs_list_what_python_exposes():
    assert declared_all(parse("_tensor/registered.pyi")) == xgrad._tensor.registered.__all__
    assert declared_all(parse("nn/_registered.pyi")) == list(FUNCTIONAL)
    for name in xgrad._tensor.registered.__all__:
        assert getattr(xgrad, name) is getattr(_core, name)
    for name in FUNCTIONAL:
        assert getattr(xgrad.nn.functional, name) is getattr(_core, name)


def test_hand_written_tensor_stub_covers_every_attached_attribute():
    tensor = next(n for n in parse("_core.pyi").body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    declared = {n.name for n in tensor.body if isinstance(n, ast.FunctionDef)}
    declared |= {t.target.id for t in tensor.body if isinstance(t, ast.AnnAssign)}
    attached = set(methods.METHODS) | set(methods.PROPERTIES) | {
        name for name in methods.OPERATORS if name not in ("__hash__", "__reduce__", "__deepcopy__", "__str__",
                                                           "__repr__")}
    missing = sorted(attached - declared)
    assert not missing, f"cpp/stubs/_core.pyi.in does not declare Tensor.{', Tensor.'.join(missing)}"
