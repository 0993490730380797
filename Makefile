# xgrad: build, test and lecture targets. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

PYTHON ?= python3
PIP := $(PYTHON) -m pip
# Quiet pip: no "running as root" or "new version available" banners.
export PIP_ROOT_USER_ACTION := ignore
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The test oracle. Only installed when torch cannot be found; tests skip without it.
TORCH_SPEC ?= torch==2.13.0

# Extra arguments for tools/run_lectures.py, e.g. LECTURE_ARGS="--only 03 --quick".
LECTURE_ARGS ?=

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# dataset-fashion-mnist: Debian ships Fashion-MNIST under /usr/share/datasets (xgrad.data looks there).
# qemu-user: tests/test_simd_dispatch.py runs the portable core on an emulated CPU without AVX.
APT_PACKAGES := libxtensor-dev libxtensor-blas-dev libxsimd-dev libopenblas-dev dataset-fashion-mnist qemu-user

# Data for tests, notebooks and benchmarks: ../shared/datasets next to the repository, as an
# absolute path, when it exists (an XGRAD_DATA already set in the environment wins).
DATA_DIR := $(abspath $(ROOT)/../shared/datasets)
ifeq ($(origin XGRAD_DATA),undefined)
  ifneq ($(wildcard $(DATA_DIR)/.),)
    DATA_ENV := XGRAD_DATA=$(DATA_DIR)
  endif
endif

.PHONY: help deps install test sanitize lectures bench clean

help:
	@echo "make deps      install missing Debian packages (xtensor, xtensor-blas, xsimd, OpenBLAS, Fashion-MNIST, qemu-user)"
	@echo "make install   build and install xgrad in editable mode with its test extras (+ torch oracle)"
	@echo "make test      run the test suite (XGRAD_QUICK=1)"
	@echo "make sanitize  build the core with AddressSanitizer + UBSan and run the tests but the notebooks on it"
	@echo "make lectures  execute every notebook at full size and build the gallery in lectures-out/"
	@echo "make bench     run every benchmarks/*.py, then summarise the run in benchmarks/results/summary.md (+ .json)"
	@echo "make clean     remove build/ and lectures-out/"

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v g++ >/dev/null 2>&1 || missing="$$missing build-essential"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "Missing Debian packages:$$missing. Install them with:" >&2; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "Installing:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing

install: deps
	$(PIP) install -q "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
	$(PIP) install -q --no-build-isolation -e "$(ROOT)[test]"
	@if ! $(PYTHON) -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then \
	  echo "torch not found: installing $(TORCH_SPEC) (test oracle only)"; \
	  $(PIP) install -q "$(TORCH_SPEC)" || \
	    echo "NOTE: could not install $(TORCH_SPEC); tests that compare against PyTorch will be skipped."; \
	fi

test: install
	cd "$(ROOT)" && $(DATA_ENV) XGRAD_QUICK=1 $(PYTHON) -m pytest -q

# The core built with -fsanitize=address,undefined in build/sanitize (CMake, RelWithDebInfo, one
# -march=native variant: the portable variants are tested by tests/test_simd_dispatch.py), the
# suite but the notebooks run against it. Python itself is not instrumented: libasan (and
# libstdc++, whose __cxa_throw ASan intercepts) are preloaded. Leak checking is off (CPython keeps
# its objects at exit); any ASan error or UB report aborts the run.
SANITIZE_DIR := $(ROOT)/build/sanitize
sanitize: install
	cmake -S "$(ROOT)" -B "$(SANITIZE_DIR)" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXGRAD_SANITIZE=ON -DXGRAD_NATIVE=ON \
	  -Dpybind11_DIR="$$($(PYTHON) -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$$(command -v $(PYTHON))" > /dev/null
	cmake --build "$(SANITIZE_DIR)"
	site="$$($(PYTHON) "$(ROOT)/tools/sanitized_site.py" "$(SANITIZE_DIR)")" && cd "$(ROOT)" && \
	  export LD_PRELOAD="$$(gcc -print-file-name=libasan.so):$$(gcc -print-file-name=libstdc++.so)" \
	    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PYTHONPATH="$$site" && \
	  $(PYTHON) -c "import xgrad; path = xgrad._core.__file__; assert path.startswith('$$site'), path; \
	    assert 'libasan' in open('/proc/self/maps').read(); print('sanitized core:', path)" && \
	  $(DATA_ENV) XGRAD_QUICK=1 $(PYTHON) -m pytest -q -p no:cacheprovider --deselect tests/test_notebooks.py

lectures: install
	$(PIP) install -q --no-build-isolation -e "$(ROOT)[notebooks]"
	cd "$(ROOT)" && $(DATA_ENV) $(PYTHON) tools/run_lectures.py --out lectures-out $(LECTURE_ARGS)

bench: install
	@cd "$(ROOT)" && shopt -s nullglob && failed=""; files=(benchmarks/[!_]*.py); start=$$(date +%s); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks/*.py found"; exit 0; fi; \
	for f in "$${files[@]}"; do \
	  echo "== $$f"; \
	  $(DATA_ENV) $(PYTHON) "$$f" || failed="$$failed $$f"; \
	done; \
	echo "== summary"; \
	$(PYTHON) tools/bench_summary.py --since "$$start" --command "make bench" --ran "$${files[@]}" --failed $$failed \
	  && echo "summary of this run: $(ROOT)/benchmarks/results/summary.md" || failed="$$failed tools/bench_summary.py"; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed" >&2; exit 1; fi

clean:
	rm -rf "$(ROOT)/build" "$(ROOT)/lectures-out"
