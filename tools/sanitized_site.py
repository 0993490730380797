"""Builds the import tree `make sanitize` runs the tests against: <build>/site/xgrad holds links to
every file of python/xgrad but the compiled modules, plus the sanitized build's modules (its SIMD
variants of the core and xgrad._cpu); and a
sitecustomize.py that takes an editable install's import hook for xgrad off sys.meta_path, so
that this tree (first on PYTHONPATH) is the one imported, in the test process and in the
subprocesses some tests start.

    python tools/sanitized_site.py build/sanitize
"""
import glob
import os
import sys

SITECUSTOMIZE = '''\
# Written by tools/sanitized_site.py for `make sanitize`: an editable install of xgrad puts an import
# hook first on sys.meta_path, which would import the unsanitized core; this tree must win.
import sys
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ not in
                    ("ScikitBuildRedirectingFinder", "ScikitBuildRedirectingFinderForPackages")]
'''


def main(build: str) -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = os.path.join(root, "python", "xgrad")
    site = os.path.join(os.path.abspath(build), "site")
    package = os.path.join(site, "xgrad")
    os.makedirs(package, exist_ok=True)
    for stale in os.listdir(package):
        os.unlink(os.path.join(package, stale))
    for entry in os.listdir(source):
        if entry.startswith(("_core", "_cpu")) and entry.endswith(".so"):
            continue  # a development build's modules, if any
        os.symlink(os.path.join(source, entry), os.path.join(package, entry))
    cores = glob.glob(os.path.join(os.path.abspath(build), "_core_*.so"))
    cpu = glob.glob(os.path.join(os.path.abspath(build), "_cpu.*.so"))
    if not cores or len(cpu) != 1:
        sys.exit(f"sanitized_site: expected _core_<variant> modules and one _cpu module in {build}, "
                 f"found {cores + cpu}")
    for module in cores + cpu:
        os.symlink(module, os.path.join(package, os.path.basename(module)))
    with open(os.path.join(site, "sitecustomize.py"), "w") as f:
        f.write(SITECUSTOMIZE)
    print(site)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/sanitize")
