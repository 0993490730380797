"""The summary of one `make bench` run: every ratio its benchmarks measured, in one table.

    python tools/bench_summary.py --since EPOCH_SECONDS [--ran benchmarks/a.py ...] [--failed benchmarks/b.py ...]

Reads the result files (benchmarks/results/*.json, written by ``_common.write_result``) of this run
only: a file counts when it was modified at or after ``--since`` and, if it has a "timestamp"
field, that time is not earlier either; older files are listed as ignored, never summarised. Writes
summary.md and summary.json next to them (``--out`` to write elsewhere) and prints the Markdown.

Every figure is a median time (ms, us or s per epoch) taken in the run; a ratio is xgrad's time over
the other library's, so below 1 means xgrad is faster. Rows:

- "xgrad against NumPy and PyTorch": one row per workload that xgrad and NumPy and/or PyTorch ran;
- "Other figures and comparisons": xgrad against itself (SIMD variants, Winograd against gemm, the
  Trainer against a hand loop), against other libraries (scipy), and xgrad-only figures.

Each benchmark's schema is read by a parser in ``PARSERS`` (keyed by the file's "benchmark" field,
or by its name for files without one); a file no parser understands is listed as such. With
``--ran`` (the scripts of the run) and ``--failed`` (those that exited non-zero), the summary says
which benchmark failed and which ran but wrote no result.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, BENCH_DIR)
import _common  # noqa: E402  (imports nothing heavy: only the machine line and the results folder)

SUMMARY_NAMES = ("summary.json", "summary.md")


class SchemaError(Exception):
    """The file's content is not what its benchmark's parser expects."""


# ------------------------------------------------------------------------------------------ rows

def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or not b or a != a or b != b:
        return None
    return a / b


def row(benchmark: str, workload: str, unit: str, threads: Any, xgrad: Optional[float],
        numpy: Optional[float] = None, torch: Optional[float] = None, note: str = "") -> Dict[str, Any]:
    """One line of the main table: the three libraries' figures and xgrad's time over the others'."""
    return {"benchmark": benchmark, "workload": workload, "threads": threads, "unit": unit,
            "xgrad": xgrad, "numpy": numpy, "torch": torch,
            "xgrad_over_torch": _ratio(xgrad, torch), "xgrad_over_numpy": _ratio(xgrad, numpy), "note": note}


def other(benchmark: str, workload: str, unit: str, threads: Any, label: str, figure: Optional[float],
          against: str = "", baseline: Optional[float] = None) -> Dict[str, Any]:
    """One line of the other table: ``label``'s figure, and its ratio to ``against``'s when there is one."""
    return {"benchmark": benchmark, "workload": workload, "threads": threads, "unit": unit,
            "label": label, "figure": figure, "against": against or None, "baseline": baseline,
            "ratio": _ratio(figure, baseline)}


def requested_threads(payload: Dict[str, Any]) -> Any:
    t = payload["threads"]
    if isinstance(t, dict):
        t = t["requested"]
    if isinstance(t, list):
        return ", ".join(str(v) for v in t)
    if not isinstance(t, int):
        raise SchemaError(f"threads is {t!r}")
    return t


def _wait_policy(policy: Optional[str]) -> str:
    return "" if policy in (None, "PASSIVE") else f" (OMP_WAIT_POLICY={policy})"


def _agreement_note(payload: Dict[str, Any]) -> str:
    ok = (payload.get("agreement") or {}).get("ok")
    return "agreement check FAILED: not like for like" if ok is False else ""


def _median(summary: Optional[Dict[str, Any]]) -> Optional[float]:
    return None if summary is None else summary["median"]


Parsed = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


# ------------------------------------------------------------------------------------------ parsers
# One per benchmark: payload (what the script passed to _common.write_result) -> (rows, others).

def parse_mlp_step(p: Dict[str, Any]) -> Parsed:
    cfg, res, th = p["config"], p["results_ms"], requested_threads(p)
    label = f"MLP {'-'.join(str(s) for s in cfg['sizes'])}, batch {cfg['batch']}, SGD momentum"
    label += _wait_policy(cfg.get("omp_wait_policy"))
    rows = []
    for phase, name in (("step", "train step"), ("forward", "forward + loss"), ("backward", "backward"),
                        ("update", "update + zero_grad")):
        fig = {lib: _median(res[lib][phase]) if lib in res else None for lib in ("xgrad", "numpy", "torch")}
        rows.append(row("mlp_step", f"{label}: {name}", "ms", th, fig["xgrad"], fig["numpy"], fig["torch"],
                        _agreement_note(p)))
    return rows, []


def parse_mnist_epoch(p: Dict[str, Any]) -> Parsed:
    cfg, res, th = p["config"], p["results"], requested_threads(p)
    label = (f"one MNIST epoch, MLP {'-'.join(str(s) for s in cfg['sizes'])} + BatchNorm1d, "
             f"{cfg['optimizer']}, batch {cfg['batch']}")
    if cfg.get("data") not in (None, "MNIST"):
        label += f" (data: {cfg['data']})"
    label += _wait_policy(cfg.get("omp_wait_policy"))

    def epoch_s(name):
        return res[name]["median_epoch_s"] if name in res else None

    torch_s = epoch_s("torch loop")
    rows = [row("mnist_epoch", f"{label}: xgrad Trainer vs torch hand loop", "s", th,
                epoch_s("xgrad Trainer"), torch=torch_s, note=_agreement_note(p)),
            row("mnist_epoch", f"{label}: xgrad hand loop vs torch hand loop", "s", th,
                epoch_s("xgrad loop"), torch=torch_s, note=_agreement_note(p))]
    others = [other("mnist_epoch", label, "s", th, "xgrad Trainer", epoch_s("xgrad Trainer"),
                    "xgrad hand loop", epoch_s("xgrad loop"))]
    return rows, others


def parse_op_overhead(p: Dict[str, Any]) -> Parsed:
    res, th = p["results_us"], requested_threads(p)
    numel = p.get("config", {}).get("numel", 4)
    rows = []
    for op, r in res.items():
        if op.startswith("_"):
            continue
        base = f"{op} on {numel} float32 requiring grad"
        rows.append(row("op_overhead", f"{base}: fwd + sum + backward", "us", th, r["xgrad_fwd_bwd"],
                        torch=r.get("torch_fwd_bwd")))
        rows.append(row("op_overhead", f"{base}: forward, graph recorded", "us", th, r["xgrad_fwd_graph"],
                        torch=r.get("torch_fwd_graph")))
        rows.append(row("op_overhead", f"{base}: forward, no_grad", "us", th, r["xgrad_fwd_nograd"],
                        numpy=r.get("numpy_fwd"), torch=r.get("torch_fwd_nograd")))
    return rows, []


def parse_gemm_shapes(p: Dict[str, Any]) -> Parsed:
    res, th = p["results_ms"], requested_threads(p)
    suffix = _wait_policy(p.get("omp_wait_policy"))
    rows = [row("gemm_shapes", " ".join(r["gemm"].split()) + suffix, "ms", th, r["xgrad"], r.get("numpy"),
                r.get("torch")) for r in res]
    tot = p["totals_ms"]
    rows.append(row("gemm_shapes", f"sum of the {len(res)} gemms of an MLP step{suffix}", "ms", th, tot["xgrad"],
                    tot.get("numpy"), tot.get("torch")))
    return rows, []


def parse_augment(p: Dict[str, Any]) -> Parsed:
    cfg, res, th = p["config"], p["results_ms"], requested_threads(p)
    tasks = {"pipeline": (f"flip + crop 32 (padding {cfg['padding']}) + colour jitter {cfg['jitter']}, "
                          f"batch of {cfg['batch']}"),
             "rotation": f"rotation +-{cfg['degrees']:g} deg, bilinear, batch of {cfg['batch']}"}
    torch_like = {"torch": "F.affine_grid + F.grid_sample", "torchvision": "torchvision per image"}
    rows, others = [], []
    for key in res:
        task, _, lib = key.partition("/")
        if task not in tasks:
            raise SchemaError(f"unknown task {key!r}")
        if lib not in ("xgrad", "numpy", "torch", "torchvision"):
            others.append(other("augment", tasks[task], "ms", th, "xgrad", _median(res[f"{task}/xgrad"]),
                                lib, _median(res[key])))
    for task, label in tasks.items():
        xgrad_ms, numpy_ms = _median(res.get(f"{task}/xgrad")), _median(res.get(f"{task}/numpy"))
        ran = [lib for lib in torch_like if f"{task}/{lib}" in res]
        if not ran:
            rows.append(row("augment", label, "ms", th, xgrad_ms, numpy_ms))
        for i, lib in enumerate(ran):  # NumPy's figure on the first of them only
            rows.append(row("augment", f"{label}; PyTorch = {torch_like[lib]}", "ms", th, xgrad_ms,
                            numpy_ms if i == 0 else None, _median(res[f"{task}/{lib}"])))
    return rows, others


def parse_conv_algorithms(p: Dict[str, Any]) -> Parsed:
    th = requested_threads(p)
    rows, others = [], []
    for r in p["rows"]:
        shape = "(" + ", ".join(str(v) for v in r["shape"]) + ")"
        label = f"Conv2d 3x3 stride 1 pad 1 fwd+bwd, (N, C, H, W, O) = {shape}"
        rows.append(row("conv_algorithms", f"{label}, auto = {r['auto']}", "ms", th, r["auto_ms"],
                        torch=r.get("torch_ms")))
        others.append(other("conv_algorithms", label, "ms", th, "xgrad Winograd", r["winograd_ms"],
                            "xgrad gemm", r["gemm_ms"]))
    return rows, others


def parse_simd_variants(p: Dict[str, Any]) -> Parsed:
    th, med, arch, ref = requested_threads(p), p["median_ms"], p.get("simd_arch", {}), p["reference"]

    def name(v):
        return f"xgrad {v} ({arch[v]})" if v in arch else f"xgrad {v}"

    others = []
    for variant, figures in med.items():
        if variant == ref:
            continue
        for workload, ms in figures.items():
            others.append(other("simd_variants", workload, "ms", th, name(variant), ms, name(ref),
                                med[ref][workload]))
    return [], others


def parse_cnn_step(p: Dict[str, Any]) -> Parsed:
    th = requested_threads(p)
    return [row("cnn_step", r["workload"], "ms", th, r["xgrad"], torch=r.get("torch")) for r in p["results_ms"]], []


def parse_optim_step(p: Dict[str, Any]) -> Parsed:
    n = p["config"]["n"]
    kinds = {"sgd_momentum": "SGD momentum", "adam": "Adam"}
    steps: Dict[Tuple[str, int], Dict[str, float]] = {}
    for s in p["steps"]:
        steps.setdefault((s["update"], s["threads"]), {})[s["implementation"]] = s["ms"]
    rows = []
    for (kind, th), impl in steps.items():
        label = f"{kinds.get(kind, kind)} step over {n:,} float32 parameters"
        torch_impls = [k for k in impl if k != "xgrad"]
        if not torch_impls:
            rows.append(row("optim_step", label, "ms", th, impl.get("xgrad")))
        for k in torch_impls:
            rows.append(row("optim_step", f"{label}, PyTorch {k.replace('torch ', '')}", "ms", th,
                            impl.get("xgrad"), torch=impl[k]))
    trace = p["trace"]
    others = [other("optim_step", f"xgrad.optim.trace('{name}', '{trace['problem']}', {trace['steps']:,} steps)",
                    "ms", trace["threads"], "xgrad", ms) for name, ms in trace["ms"].items()]
    return rows, others


def parse_cnn_epoch(p: Dict[str, Any]) -> Parsed:
    th, rows = requested_threads(p), []
    for w in p["workloads"].values():
        x, t = w["xgrad"], w.get("torch") or {}
        rows.append(row("cnn_epoch", f"{w['title']}: epoch", "s", th, x["epoch_s"], torch=t.get("epoch_s")))
        rows.append(row("cnn_epoch", f"{w['title']}: peak resident memory of the process", "MB", th,
                        x["peak_rss_mb"], torch=t.get("peak_rss_mb"), note="a memory ratio, not a time"))
    return rows, []


def parse_scaling(p: Dict[str, Any]) -> Parsed:
    th = requested_threads(p)
    names = {"mlp": "MLP 784-W-W-10, W", "cnn": "CNN conv(C)-conv(2C) on 3x32x32, C"}
    return [row("scaling", f"{names.get(r['kind'], r['kind'])} = {r['width']}, batch {r['batch']}: train step", "ms", th,
                r["xgrad_ms"], torch=r.get("torch_ms")) for r in p["rows"]], []


PARSERS: Dict[str, Callable[[Dict[str, Any]], Parsed]] = {
    "cnn_epoch": parse_cnn_epoch, "scaling": parse_scaling,
    "mlp_step": parse_mlp_step, "mnist_epoch": parse_mnist_epoch, "op_overhead": parse_op_overhead,
    "gemm_shapes": parse_gemm_shapes, "augment": parse_augment, "conv_algorithms": parse_conv_algorithms,
    "simd_variants": parse_simd_variants, "cnn_step": parse_cnn_step, "optim_step": parse_optim_step,
}


# ------------------------------------------------------------------------------------------ files

def benchmark_of(stem: str, payload: Any) -> str:
    """The benchmark a result file belongs to: its "benchmark" field, else the parser (or, failing
    that, the script) whose name its file name starts with, else the file name."""
    if isinstance(payload, dict) and isinstance(payload.get("benchmark"), str):
        return payload["benchmark"]
    for name in sorted(PARSERS, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_"):
            return name
    return re.sub(r"_t\d+(-\d+)*$", "", stem)


def _timestamp(payload: Any) -> Optional[float]:
    """The file's "timestamp" field (local time, as _common.write_result writes it) in epoch seconds."""
    ts = payload.get("timestamp") if isinstance(payload, dict) else None
    try:
        return time.mktime(time.strptime(ts, "%Y-%m-%dT%H:%M:%S"))
    except (TypeError, ValueError):
        return None


def collect(results_dir: str, since: float):
    """(fresh, stale): fresh is a list of (path, payload or None, error) for the files of this run."""
    fresh, stale = [], []
    names = sorted(n for n in os.listdir(results_dir) if n.endswith(".json") and n not in SUMMARY_NAMES) \
        if os.path.isdir(results_dir) else []
    for name in names:
        path = os.path.join(results_dir, name)
        try:
            with open(path) as f:
                payload, error = json.load(f), None
        except (OSError, ValueError) as e:
            payload, error = None, f"unreadable: {type(e).__name__}: {e}"
        ts = _timestamp(payload)
        # timestamps have one-second resolution: compare with the second the run started in
        if os.path.getmtime(path) < since or (ts is not None and ts < math.floor(since)):
            stale.append(path)
        else:
            fresh.append((path, payload, error))
    return fresh, stale


def _same_machine(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Equal but for torch's fields (a benchmark that does not load torch reports "not used")."""
    def key(m):
        return {k: v for k, v in m.items() if not k.startswith("torch")}
    return key(a) == key(b)


def _line(m: Dict[str, Any]) -> str:
    try:
        return _common.machine_line(m)
    except (KeyError, TypeError):
        return json.dumps(m, default=str)


def summarise(results_dir: str, since: float, ran: Optional[List[str]] = None,
              failed: Optional[List[str]] = None, command: Optional[str] = None) -> Dict[str, Any]:
    """Everything summary.json holds (summary.md is rendered from it)."""
    fresh, stale = collect(results_dir, since)
    rows, others, not_understood, files = [], [], [], {}
    machines: List[Tuple[str, Dict[str, Any]]] = []
    for path, payload, error in fresh:
        rel = os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path
        stem = os.path.splitext(os.path.basename(path))[0]
        bench = benchmark_of(stem, payload)
        entry = {"file": rel, "benchmark": bench, "argv": payload.get("argv") if isinstance(payload, dict) else None,
                 "rows": 0}
        files.setdefault(bench, []).append(entry)
        if error is None and not isinstance(payload, dict):
            error = "not a JSON object"
        if error is None and bench not in PARSERS:
            error = f"schema not understood: no parser for benchmark {bench!r}"
        if error is None:
            try:
                r, o = PARSERS[bench](payload)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError, SchemaError) as e:
                error = f"schema not understood by the {bench} parser: {type(e).__name__}: {e}"
            else:
                if not r and not o:
                    error = "no figures found"
                for x in r + o:
                    x["file"] = rel
                rows += r
                others += o
                entry["rows"] = len(r) + len(o)
        if error is not None:
            entry["error"] = error
            not_understood.append({"file": rel, "benchmark": bench, "reason": error})
        if isinstance(payload, dict) and isinstance(payload.get("machine"), dict):
            machines.append((rel, payload["machine"]))

    # The run's machine: one that loaded torch if any did (its line names torch's BLAS).
    machine = None
    for _, m in machines:
        if machine is None or (machine.get("torch") in ("absent", "not used") and m.get("torch") not in
                               ("absent", "not used")):
            machine = m
    differing = [{"file": f, "machine_line": _line(m)} for f, m in machines if not _same_machine(m, machine)]

    failed = [os.path.normpath(f) for f in failed or []]
    benchmarks = []
    for script in ran or []:
        stem = os.path.splitext(os.path.basename(script))[0]
        written = files.get(stem, [])
        if os.path.normpath(script) in failed:
            status = "FAILED"
        elif not written:
            status = "ok, wrote no result file"
        elif any("error" in w for w in written):
            status = "ok, result not summarised (see below)"
        else:
            status = "ok"
        benchmarks.append({"script": script, "status": status, "files": [w["file"] for w in written],
                           "rows": sum(w["rows"] for w in written)})
    known = {os.path.splitext(os.path.basename(s))[0] for s in ran or []}
    for bench, written in files.items():
        if ran is not None and bench not in known:
            benchmarks.append({"script": None, "status": f"result of {bench}, not among the scripts run",
                               "files": [w["file"] for w in written], "rows": sum(w["rows"] for w in written)})
    return {"kind": "xgrad benchmark summary", "command": command,
            "since": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(since)),
            "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "machine_line": _line(machine) if machine else None, "machine": machine,
            "machines_differing": differing, "failed": failed, "benchmarks": benchmarks,
            "rows": rows, "other_rows": others, "not_understood": not_understood,
            "files": [e for es in files.values() for e in es],
            "stale_ignored": [os.path.basename(p) for p in stale]}


# ------------------------------------------------------------------------------------------ output

def fmt(v: Any) -> str:
    """Three significant figures, no exponent; "-" for a figure not measured."""
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if v == 0:
            return "0"
        digits = max(0, 2 - math.floor(math.log10(abs(float(f"{v:.3g}")))))  # of v rounded: 0.99996 -> 1.00
        return f"{v:.{digits}f}"
    return str(v).replace("|", "\\|")


def table(headers: List[str], lines: List[List[Any]], align: str) -> str:
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    out += ["| " + " | ".join(fmt(v) for v in line) + " |" for line in lines]
    return "\n".join(out)


def render(s: Dict[str, Any]) -> str:
    md = ["# Benchmark summary", ""]
    md.append(f"Command: `{s['command']}`" if s["command"] else "Command: not recorded")
    md[-1] += f"; run started {s['since'].replace('T', ' ')}, summary written {s['written'].replace('T', ' ')}."
    md += ["", f"Machine: {s['machine_line'] or 'no result file recorded it'}"]
    for d in s["machines_differing"]:
        md += ["", f"Machine of {d['file']} (differs from the above): {d['machine_line']}"]
    if s["failed"]:
        md += ["", "**FAILED in this run: " + ", ".join(s["failed"]) + "** (see the run's output); "
               "their figures are missing below."]
    md += ["", "Every figure is a median wall time measured in this run; a ratio is xgrad's time over the "
           "other library's (below 1: xgrad is faster). \"-\": not measured.", "",
           "## xgrad against NumPy and PyTorch", ""]
    if s["rows"]:
        md.append(table(["benchmark", "workload", "threads", "unit", "xgrad", "NumPy", "PyTorch",
                         "xgrad / PyTorch", "xgrad / NumPy", "note"],
                        [[r["benchmark"], r["workload"], r["threads"], r["unit"], r["xgrad"], r["numpy"], r["torch"],
                          r["xgrad_over_torch"], r["xgrad_over_numpy"], r["note"] or ""] for r in s["rows"]],
                        "lllrrrrrrl"))
    else:
        md.append("No figures.")
    if s["other_rows"]:
        md += ["", "## Other figures and comparisons", ""]
        md.append(table(["benchmark", "workload", "threads", "unit", "figure", "of", "against", "its figure", "ratio"],
                        [[o["benchmark"], o["workload"], o["threads"], o["unit"], o["figure"], o["label"],
                          o["against"], o["baseline"], o["ratio"]] for o in s["other_rows"]], "lllrrllrr"))
    if s["benchmarks"]:
        md += ["", "## Benchmarks of this run", ""]
        md.append(table(["script", "status", "result files", "rows"],
                        [[b["script"] or "-", b["status"], ", ".join(b["files"]) or "-", b["rows"]]
                         for b in s["benchmarks"]], "lllr"))
    if s["not_understood"]:
        md += ["", "## Result files not summarised", ""]
        md += [f"- {n['file']} ({n['benchmark']}): {n['reason']}" for n in s["not_understood"]]
    if s["stale_ignored"]:
        md += ["", f"Ignored as older than this run: {', '.join(s['stale_ignored'])}."]
    return "\n".join(md) + "\n"


def write(s: Dict[str, Any], out_dir: str) -> Tuple[str, str]:
    os.makedirs(out_dir, exist_ok=True)
    md_path, json_path = os.path.join(out_dir, "summary.md"), os.path.join(out_dir, "summary.json")
    with open(md_path, "w") as f:
        f.write(render(s))
    with open(json_path, "w") as f:
        json.dump(s, f, indent=2, default=str)
    return md_path, json_path


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--since", type=float, required=True,
                    help="start of the run, seconds since the epoch (`date +%%s`); older result files are ignored")
    ap.add_argument("--results", default=_common.RESULTS_DIR, help="folder of the result files")
    ap.add_argument("--out", default=None, help="where summary.md and summary.json go (default: --results)")
    ap.add_argument("--ran", nargs="*", default=None, help="the benchmark scripts of the run")
    ap.add_argument("--failed", nargs="*", default=[], help="those of them that exited non-zero")
    ap.add_argument("--command", default=None, help="the command of the run, for the summary's first line")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    s = summarise(args.results, args.since, args.ran, args.failed, args.command)
    md_path, json_path = write(s, args.out or args.results)
    if not args.quiet:
        print(render(s))
    print(f"wrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
