"""The package's layout promises: ``xgrad/__init__.py`` only re-exports, ``Tensor``'s Python-side
methods come from one table in ``xgrad/_tensor/methods.py`` and are documented, and the names
re-exported at the top level are the ones of their concern module."""
import ast
import pathlib
import pickle

import numpy as np
import pytest

import xgrad
from xgrad._tensor import methods, ops

PACKAGE = pathlib.Path(xgrad.__file__).parent


def _statements(path):
    return ast.parse(path.read_text()).body


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def test_package_init_only_imports():
    for node in _statements(PACKAGE / "__init__.py"):
        if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_docstring(node):
            continue
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in ("__all__", "__doc__")
                                                for t in node.targets):
            continue
        pytest.fail(f"xgrad/__init__.py line {node.lineno} defines something ({type(node).__name__}); "
                    f"define it in the module of its concern and re-export it")


def test_tensor_package_init_only_imports_and_installs_the_methods():
    for node in _statements(PACKAGE / "_tensor" / "__init__.py"):
        if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_docstring(node):
            continue
        if isinstance(node, ast.Expr) and ast.unparse(node) == "methods.install()":
            continue
        pytest.fail(f"xgrad/_tensor/__init__.py line {node.lineno}: {ast.unparse(node)}")


TABLES = {"METHODS": methods.METHODS, "OPERATORS": methods.OPERATORS, "PROPERTIES": methods.PROPERTIES}


@pytest.mark.parametrize("table", TABLES)
def test_every_attached_method_is_installed_and_documented(table):
    undocumented = []
    for name, attribute in TABLES[table].items():
        assert xgrad.Tensor.__dict__[name] is attribute, f"Tensor.{name} is not the one of methods.{table}"
        if not (attribute.__doc__ or "").strip():
            undocumented.append(name)
    assert not undocumented, f"Tensor methods without a docstring: {undocumented}"


def test_methods_that_are_functions_are_the_top_level_functions():
    for name, attribute in methods.METHODS.items():
        if getattr(ops, name, None) is attribute:
            assert getattr(xgrad, name) is attribute, name
    assert xgrad.Tensor.sum.__module__ == "xgrad._tensor.ops"
    assert "methods.py" in xgrad.Tensor.__doc__


@pytest.mark.parametrize("name", ["manual_seed", "get_rng_state", "set_rng_state", "randn", "rand", "randperm",
                                  "randint"])
def test_random_functions_are_reexported_from_xgrad_random(name):
    assert getattr(xgrad, name) is getattr(xgrad.random, name)


@pytest.mark.parametrize("name", ["set_num_threads", "get_num_threads", "blas_info"])
def test_backend_functions_are_reexported_from_xgrad_backend(name):
    assert getattr(xgrad, name) is getattr(xgrad.backend, name)


def test_a_tensor_pickled_before_the_split_still_loads():
    t = xgrad.tensor([1.0, 2.0], requires_grad=True)
    payload = pickle.dumps(t, protocol=2)
    current = b"cxgrad._tensor.representation\n_rebuild_tensor\n"
    assert current in payload
    old = pickle.loads(payload.replace(current, b"cxgrad._tensor\n_rebuild_tensor\n"))
    np.testing.assert_array_equal(old.numpy(), [1.0, 2.0])
    assert old.requires_grad
