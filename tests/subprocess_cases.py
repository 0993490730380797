"""Running Python in a child process, for the cases that may crash the interpreter: the child's
death by a signal fails the one test that ran it, naming the signal, instead of ending the run.

The child sees the same xgrad (the package this process imported) and this tests/ folder on its
path."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional, Sequence

TESTS = Path(__file__).resolve().parent


def child_env() -> dict:
    import xgrad
    # the folder xgrad was imported from, as it is (not resolved: under make sanitize it is a folder
    # of links whose sitecustomize picks the sanitized core, and the child must load that one too)
    package_parent = str(Path(os.path.abspath(xgrad.__file__)).parent.parent)
    path = [package_parent, str(TESTS)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
    return dict(os.environ, PYTHONPATH=os.pathsep.join(path), PYTHONFAULTHANDLER="1")


def describe_exit(returncode: Optional[int]) -> str:
    """'exit code 1', or 'killed by signal SIGSEGV (11)' for a negative return code."""
    if returncode is None:
        return "no exit (timed out)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "an unknown signal"
        return f"killed by signal {name} ({-returncode})"
    return f"exit code {returncode}"


class ChildResult:
    """What a child process did: returncode (None if it timed out), stdout, stderr."""

    def __init__(self, returncode: Optional[int], stdout: str, stderr: str, timeout: float):
        self.returncode, self.stdout, self.stderr, self.timeout = returncode, stdout, stderr, timeout

    def summary(self, limit: int = 4000) -> str:
        how = f"timed out after {self.timeout:g} s" if self.returncode is None else describe_exit(self.returncode)
        return (f"the child process {how}\n--- stdout (end) ---\n{self.stdout[-limit:]}\n"
                f"--- stderr (end) ---\n{self.stderr[-limit:]}")


def run_python(code: str, args: Sequence[str] = (), timeout: float = 120) -> ChildResult:
    """Run `code` with `python -c` in a child process (faulthandler on: a crash prints the Python
    stack on stderr)."""
    try:
        done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code, *args], capture_output=True,
                              text=True, env=child_env(), timeout=timeout, cwd=str(TESTS))
    except subprocess.TimeoutExpired as e:
        def text(b):
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        return ChildResult(None, text(e.stdout), text(e.stderr), timeout)
    return ChildResult(done.returncode, done.stdout, done.stderr, timeout)


def assert_clean_exit(result: ChildResult, stdout_ends_with: Optional[str] = "ok") -> None:
    """The child exited 0 (a signal death fails naming the signal) and its stdout ends with
    `stdout_ends_with`."""
    assert result.returncode == 0, result.summary()
    if stdout_ends_with is not None:
        assert result.stdout.strip().endswith(stdout_ends_with), result.summary()
