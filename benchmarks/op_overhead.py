"""Fixed cost per small op: microseconds per call on a 4-element float32 tensor that requires grad,
where the arithmetic is negligible and what is left is dispatch, allocation and autograd
bookkeeping. xgrad vs PyTorch (NumPy's forward on the same 4 floats as a floor).

    python benchmarks/op_overhead.py --threads 1

For each op three things are timed, per call:
  fwd no_grad   the op with grad mode off (dispatch + kernel + output allocation)
  fwd graph     the op with grad mode on (adds recording the graph node; the graph is freed
                when the result is dropped)
  fwd+bwd       ``x.grad = None; op(x).sum().backward()`` (for ``sum``: ``x.sum().backward()``),
                i.e. one training-style iteration; it includes the extra sum op for both libraries
and, for xgrad, fwd+bwd again calling ``xgrad._core`` directly (no Python wrapper layer), which
splits xgrad's cost into its Python layer and its C++/pybind11 core.
"""
import _common

THREADS = _common.early_thread_env(default=1)

import argparse  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402
from xgrad import _core  # noqa: E402


def xgrad_ops(x, w, A, B):
    """name -> (forward callable, the leaf that gets the gradient). Written as a user would."""
    def chain(x):
        y = x * w
        y = y + w
        y = y.tanh()
        y = y * 0.5
        y = y.exp()
        y = y - w
        y = y.relu()
        y = y * y
        y = y + 1.0
        y = y.sigmoid()
        return y

    return {
        "add": (lambda: x + w, x),
        "mul": (lambda: x * w, x),
        "exp": (lambda: x.exp(), x),
        "tanh": (lambda: x.tanh(), x),
        "relu": (lambda: x.relu(), x),
        "sum": (lambda: x.sum(), x),
        "matmul 2x2": (lambda: A @ B, A),
        "chain of 10": (lambda: chain(x), x),
    }


def xgrad_core_ops(x, w, A, B):
    """The same ops straight on the pybind11 module (what the Python layer ends up calling)."""
    c = _core

    def chain(x):
        y = c.mul(x, w)
        y = c.add(y, w)
        y = c.tanh(y)
        y = c.mul(y, 0.5)
        y = c.exp(y)
        y = c.sub(y, w)
        y = c.relu(y)
        y = c.mul(y, y)
        y = c.add(y, 1.0)
        y = c.sigmoid(y)
        return y

    return {
        "add": lambda: c.add(x, w),
        "mul": lambda: c.mul(x, w),
        "exp": lambda: c.exp(x),
        "tanh": lambda: c.tanh(x),
        "relu": lambda: c.relu(x),
        "sum": lambda: c.sum(x, None, False),
        "matmul 2x2": lambda: c.matmul(A, B),
        "chain of 10": lambda: chain(x),
    }


def torch_ops(torch, x, w, A, B):
    def chain(x):
        y = x * w
        y = y + w
        y = y.tanh()
        y = y * 0.5
        y = y.exp()
        y = y - w
        y = y.relu()
        y = y * y
        y = y + 1.0
        y = y.sigmoid()
        return y

    return {
        "add": (lambda: x + w, x),
        "mul": (lambda: x * w, x),
        "exp": (lambda: x.exp(), x),
        "tanh": (lambda: x.tanh(), x),
        "relu": (lambda: x.relu(), x),
        "sum": (lambda: x.sum(), x),
        "matmul 2x2": (lambda: A @ B, A),
        "chain of 10": (lambda: chain(x), x),
    }


def numpy_ops(x, w, A, B):
    def chain(x):
        y = x * w
        y = y + w
        y = np.tanh(y)
        y = y * np.float32(0.5)
        y = np.exp(y)
        y = y - w
        y = np.maximum(y, 0)
        y = y * y
        y = y + np.float32(1.0)
        y = 1 / (1 + np.exp(-y))
        return y

    return {
        "add": lambda: x + w,
        "mul": lambda: x * w,
        "exp": lambda: np.exp(x),
        "tanh": lambda: np.tanh(x),
        "relu": lambda: np.maximum(x, 0),
        "sum": lambda: x.sum(),
        "matmul 2x2": lambda: A @ B,
        "chain of 10": lambda: chain(x),
    }


def fwd_bwd(fwd, leaf, scalar_out):
    if scalar_out:
        def it():
            leaf.grad = None
            fwd().backward()
    else:
        def it():
            leaf.grad = None
            fwd().sum().backward()
    return it


def core_fwd_bwd(fwd, leaf, scalar_out):
    c = _core
    if scalar_out:
        def it():
            leaf.grad = None
            c.backward(fwd(), None, False)
    else:
        def it():
            leaf.grad = None
            c.backward(c.sum(fwd(), None, False), None, False)
    return it


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--inner", type=int, default=200, help="calls per timing sample (default 200)")
    ap.add_argument("--repeat", type=int, default=51, help="samples per measurement (default 51)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--omp-wait-policy", default="PASSIVE", type=str.upper,
                    choices=["PASSIVE", "ACTIVE", "UNSET"], help="read by _common before torch loads")
    ap.add_argument("--wait-quiet", type=float, default=60.0,
                    help="seconds to wait for other processes to go idle before timing (default 60)")
    ap.add_argument("--name", default=None)
    args = ap.parse_args()

    torch = _common.import_torch(args.no_torch)
    threads = _common.set_threads(THREADS, torch=torch)
    info = _common.machine(torch)
    print("machine:", _common.machine_line(info))

    rng = np.random.default_rng(0)
    xv = rng.standard_normal(4).astype(np.float32)
    wv = rng.standard_normal(4).astype(np.float32)
    Av = rng.standard_normal((2, 2)).astype(np.float32)
    Bv = rng.standard_normal((2, 2)).astype(np.float32)

    X = xgrad.tensor(xv.copy(), requires_grad=True)
    W = xgrad.tensor(wv.copy())
    XA = xgrad.tensor(Av.copy(), requires_grad=True)
    XB = xgrad.tensor(Bv.copy())
    xops = xgrad_ops(X, W, XA, XB)
    cops = xgrad_core_ops(X, W, XA, XB)
    nops = numpy_ops(xv, wv, Av, Bv)
    tops = None
    if torch is not None:
        tops = torch_ops(torch, torch.tensor(xv, requires_grad=True), torch.tensor(wv),
                         torch.tensor(Av, requires_grad=True), torch.tensor(Bv))

    # Same gradients first, so both libraries do the same work.
    if tops is not None:
        worst = 0.0
        for name in xops:
            fx, lx = xops[name]
            ft, lt = tops[name]
            lx.grad = None
            lt.grad = None
            fwd_bwd(fx, lx, name == "sum")()
            fwd_bwd(ft, lt, name == "sum")()
            worst = max(worst, float(np.max(np.abs(np.asarray(lx.grad) - lt.grad.numpy()))))
        print(f"gradient agreement xgrad vs torch over all ops: max abs diff {worst:.1e}")

    busy_before = _common.wait_for_quiet(args.wait_quiet)

    def us(fn):
        return _common.summary(_common.time_samples(fn, warmup=max(20, args.inner // 4), repeat=args.repeat,
                                                    inner=args.inner), scale=1e6)["median"]

    results = {}
    for name in xops:
        scalar = name == "sum"
        fx, lx = xops[name]
        r = {"numpy_fwd": us(nops[name])}
        xgrad.set_grad_enabled(False)
        r["xgrad_fwd_nograd"] = us(fx)
        xgrad.set_grad_enabled(True)
        r["xgrad_fwd_graph"] = us(fx)
        r["xgrad_fwd_bwd"] = us(fwd_bwd(fx, lx, scalar))
        r["xgrad_core_fwd_bwd"] = us(core_fwd_bwd(cops[name], lx, scalar))
        if tops is not None:
            ft, lt = tops[name]
            with torch.no_grad():
                r["torch_fwd_nograd"] = us(ft)
            r["torch_fwd_graph"] = us(ft)
            r["torch_fwd_bwd"] = us(fwd_bwd(ft, lt, scalar))
        results[name] = r
    results["_reference"] = {"python_lambda_call": us(lambda: None)}
    busy_after = _common.cpu_busy()

    has_t = tops is not None
    print(f"\n### Per-op overhead, 4-element float32 tensor requiring grad — {THREADS} thread(s), "
          f"microseconds per call (median)\n")
    rows = []
    for name, r in results.items():
        if name.startswith("_"):
            continue
        row = [name, r["xgrad_fwd_bwd"]]
        if has_t:
            row += [r["torch_fwd_bwd"], r["xgrad_fwd_bwd"] / r["torch_fwd_bwd"]]
        row += [r["xgrad_core_fwd_bwd"], r["xgrad_fwd_bwd"] - r["xgrad_core_fwd_bwd"]]
        rows.append(row)
    headers = ["op (fwd + sum + backward)", "xgrad us"]
    if has_t:
        headers += ["torch us", "xgrad / torch"]
    headers += ["xgrad via _core us", "xgrad Python layer us"]
    print(_common.markdown_table(headers, rows))

    print("\nforward only (graph recorded vs grad mode off), us per call:\n")
    rows = []
    for name, r in results.items():
        if name.startswith("_"):
            continue
        row = [name, r["numpy_fwd"], r["xgrad_fwd_nograd"], r["xgrad_fwd_graph"]]
        if has_t:
            row += [r["torch_fwd_nograd"], r["torch_fwd_graph"], r["xgrad_fwd_graph"] / r["torch_fwd_graph"]]
        rows.append(row)
    headers = ["op", "numpy fwd", "xgrad no_grad", "xgrad graph"]
    if has_t:
        headers += ["torch no_grad", "torch graph", "xgrad/torch graph"]
    print(_common.markdown_table(headers, rows))
    print(f"\neach figure: median of {args.repeat} samples of {args.inner} back-to-back calls; includes "
          f"one Python lambda call ({results['_reference']['python_lambda_call']:.3f} us). fwd+bwd also sets "
          f"leaf.grad = None every call, for both libraries.")
    print("machine:", _common.machine_line(info))
    print(f"other load on the CPUs: {busy_before:.0%} before, {busy_after:.0%} after the timing")
    path = _common.write_result(args.name or f"op_overhead_t{THREADS}", {
        "benchmark": "op_overhead", "config": {"inner": args.inner, "repeat": args.repeat, "numel": 4},
        "threads": threads, "machine": info, "results_us": results,
        "other_cpu_load": {"before": busy_before, "after": busy_after},
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
