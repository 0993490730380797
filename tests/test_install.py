"""A first install: a missing C++ dependency stops the configure step with the package to install."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("package,debian", [("xtensor", "libxtensor-dev"), ("xsimd", "libxsimd-dev"),
                                            ("BLAS", "libopenblas-dev"), ("xtensor-blas", "libxtensor-blas-dev")])
def test_cmake_names_a_missing_dependency_and_the_apt_line(tmp_path, package, debian):
    cmake = shutil.which("cmake")
    if cmake is None or not (ROOT / "CMakeLists.txt").exists():
        pytest.skip("needs cmake and the source tree (an installed wheel has no CMakeLists.txt)")
    pybind11_dir = subprocess.run([sys.executable, "-m", "pybind11", "--cmakedir"], capture_output=True,
                                  text=True).stdout.strip()
    # CMAKE_DISABLE_FIND_PACKAGE_<name> makes CMake behave as on a machine without the package
    done = subprocess.run([cmake, "-S", str(ROOT), "-B", str(tmp_path / "build"), f"-Dpybind11_DIR={pybind11_dir}",
                           f"-DPython_EXECUTABLE={sys.executable}", f"-DCMAKE_DISABLE_FIND_PACKAGE_{package}=ON"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    message = " ".join((done.stdout + done.stderr).split())
    assert f"({'Debian package ' + debian})" in message, message[-2000:]
    assert "apt-get install libxtensor-dev libxtensor-blas-dev libxsimd-dev libopenblas-dev" in message
