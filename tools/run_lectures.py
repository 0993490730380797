#!/usr/bin/env python3
"""Execute the lecture notebooks and build a static gallery of their figures and key numbers.

    python3 tools/run_lectures.py [--out lectures-out] [--notebooks notebooks]
                                  [--quick] [--only PATTERN] [--threads N] [--timeout 1200]

For every ``<notebooks>/*.ipynb`` (sorted by name) this script
  * executes it with nbclient (kernel ``python3``, working directory = the notebooks folder),
  * writes the executed copy to ``<out>/notebooks/<name>.ipynb``,
  * saves every PNG output to ``<out>/figures/<stem>-<n>.png`` (n counts from 1 per notebook),
    captioned with a ``# caption: ...`` comment in the producing cell if there is one, else the
    first line of the nearest preceding markdown cell, followed by "(<notebook>, cell N)",
  * collects key numbers: every output line of the form ``KEY: name = value``, and comparative
    claims over seeds: ``CLAIM: name | lecture | ours | holds`` (``xgrad.claims.claim``),
and writes ``<out>/index.html`` (summary table, then one section per notebook) and
``<out>/summary.json``. A failing notebook does not stop the run: its error is shown in the
gallery, and the script exits with status 1 at the end, naming the failed notebooks.
"""
from __future__ import annotations

import argparse
import base64
import fnmatch
import html
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KEY_LINE = re.compile(r"^\s*KEY:\s*(?P<name>.+?)\s*=\s*(?P<value>.*?)\s*$")
# A comparative claim over seeds (xgrad.claims.claim): name | lecture's number | ours | holds or not.
CLAIM_LINE = re.compile(r"^\s*CLAIM:\s*(?P<name>[^|]+?)\s*\|\s*(?P<lecture>[^|]*?)\s*\|\s*(?P<ours>[^|]*?)"
                        r"\s*\|\s*(?P<holds>[^|]*?)\s*$")
CAPTION_COMMENT = re.compile(r"^\s*#\s*caption:\s*(?P<text>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@dataclass
class Figure:
    file: str  # relative to the output folder
    caption: str


@dataclass
class Result:
    path: Path
    title: str
    ok: bool = True
    error: str = ""  # full message (cell source and traceback)
    summary: str = ""  # one line
    seconds: float = 0.0
    figures: list[Figure] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    claims: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, lecture, ours, holds

    @property
    def stem(self) -> str:
        return self.path.stem


# --------------------------------------------------------------------------- notebook reading

def cell_text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def first_line(markdown: str) -> str:
    """First non-empty line of a markdown cell, without heading marks."""
    for line in markdown.splitlines():
        line = line.strip()
        if line:
            return line.lstrip("#").strip()
    return ""


def notebook_title(nb, fallback: str) -> str:
    """The notebook's first markdown heading, else its first markdown line, else the fallback."""
    first_any = ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell_text(cell).splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                return stripped.lstrip("#").strip() or fallback
            if stripped and not first_any:
                first_any = stripped
    return first_any or fallback


def output_texts(output) -> list[str]:
    """Plain text carried by one output: stream text and text/plain of results and displays."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return ["".join(text) if isinstance(text, list) else text]
    data = output.get("data", {})
    text = data.get("text/plain")
    if text is None:
        return []
    return ["".join(text) if isinstance(text, list) else text]


def collect(nb, result: Result, out_dir: Path) -> None:
    """Extract figures and KEY lines from an executed (possibly partly executed) notebook."""
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    # Remove this notebook's figures from an earlier run so stale images never show.
    own = re.compile(re.escape(result.stem) + r"-\d+\.png")
    for old in fig_dir.glob("*.png"):
        if own.fullmatch(old.name):
            old.unlink()

    last_markdown = ""
    n = 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            line = first_line(cell_text(cell))
            if line:
                last_markdown = line
            continue
        if cell.cell_type != "code":
            continue
        comment = CAPTION_COMMENT.search(cell_text(cell))
        base = comment.group("text") if comment else last_markdown
        where = f"({result.path.name}, cell {index})"
        for output in cell.get("outputs", []):
            for text in output_texts(output):
                for line in text.splitlines():
                    m = KEY_LINE.match(line)
                    if m:
                        result.keys.append((m.group("name"), m.group("value")))
                    c = CLAIM_LINE.match(line)
                    if c:
                        result.claims.append((c.group("name"), c.group("lecture"), c.group("ours"),
                                              c.group("holds")))
            png = output.get("data", {}).get("image/png")
            if png:
                n += 1
                name = f"{result.stem}-{n}.png"
                b64 = "".join(png) if isinstance(png, list) else png
                (fig_dir / name).write_bytes(base64.b64decode(b64))
                caption = f"{base} {where}" if base else where
                result.figures.append(Figure(file=f"figures/{name}", caption=caption))


# --------------------------------------------------------------------------- execution

def run_notebook(path: Path, out_dir: Path, timeout: int) -> Result:
    nb = nbformat.read(path, as_version=4)
    result = Result(path=path, title=notebook_title(nb, path.stem))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # The kernel's own log (e.g. its warning about unencrypted local TCP) is noise here.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    current = {"index": None}  # 0-based index of the cell being executed

    def on_cell_execute(cell, cell_index, **_):
        current["index"] = cell_index

    client.on_cell_execute = on_cell_execute
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        result.ok = False
        result.error = strip_ansi(str(exc))
        result.summary = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # timeouts, dead kernels, a missing kernel spec...
        result.ok = False
        result.error = strip_ansi(f"{type(exc).__name__}: {exc}")
        result.summary = result.error.splitlines()[0]
    result.seconds = time.perf_counter() - start
    if not result.ok and current["index"] is not None:
        result.summary = f"cell {current['index'] + 1}: {result.summary}"

    nb_dir = out_dir / "notebooks"
    nb_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, nb_dir / path.name)  # written even when it failed: outputs up to the error
    collect(nb, result, out_dir)
    return result


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def select(notebooks: list[Path], pattern: str | None) -> list[Path]:
    """--only: a glob (if it has * ? [) matched against the file name or stem, else a substring."""
    if not pattern:
        return notebooks
    if any(c in pattern for c in "*?["):
        return [p for p in notebooks
                if fnmatch.fnmatch(p.name, pattern) or fnmatch.fnmatch(p.stem, pattern)]
    return [p for p in notebooks if pattern in p.name]


# --------------------------------------------------------------------------- gallery

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
th { background: #f3f3f3; } td.num { font-family: ui-monospace, monospace; }
section { border-top: 2px solid #ddd; margin-top: 2rem; padding-top: .5rem; }
.status-ok { color: #1a7f37; } .status-failed { color: #cf222e; font-weight: bold; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; background: #fff; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #444; margin-top: .4rem; }
pre.error { background: #fff5f5; border: 1px solid #f5c2c7; padding: .6rem; overflow-x: auto;
            white-space: pre-wrap; font-size: .8rem; max-height: 30rem; }
"""


def render_html(results: list[Result], quick: bool) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>xgrad lectures</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>xgrad lectures</h1>",
        f'<p class="meta">Generated {e(time.strftime("%Y-%m-%d %H:%M:%S"))}'
        f' &middot; {"quick mode (XGRAD_QUICK=1)" if quick else "full size"}'
        f' &middot; {sum(r.ok for r in results)}/{len(results)} notebooks ran without error</p>',
        "<h2>Claims</h2>",
    ]
    claims = [(r, *c) for r in results for c in r.claims]
    if claims:
        parts.append("<table><tr><th>notebook</th><th>claim</th><th>lecture</th>"
                     "<th>ours (mean &plusmn; std, n seeds)</th><th>holds</th></tr>")
        for r, name, lecture, ours, holds in claims:
            status = "ok" if holds == "holds" else "failed"
            parts.append(f'<tr><td><a href="#{e(r.stem)}">{e(r.path.name)}</a></td><td>{e(name)}</td>'
                         f'<td>{e(lecture)}</td><td class="num">{e(ours)}</td>'
                         f'<td class="status-{status}">{e(holds)}</td></tr>')
        parts.append("</table>")
    else:
        parts.append("<p>No <code>CLAIM:</code> lines were printed.</p>")
    parts.append("<h2>Key numbers</h2>")
    rows = [(r, name, value) for r in results for name, value in r.keys]
    if rows:
        parts.append("<table><tr><th>notebook</th><th>name</th><th>value</th></tr>")
        for r, name, value in rows:
            parts.append(f'<tr><td><a href="#{e(r.stem)}">{e(r.path.name)}</a></td>'
                         f'<td>{e(name)}</td><td class="num">{e(value)}</td></tr>')
        parts.append("</table>")
    else:
        parts.append("<p>No <code>KEY: name = value</code> lines were printed.</p>")

    parts.append("<h2>Notebooks</h2><table><tr><th>notebook</th><th>status</th>"
                 "<th>time</th><th>figures</th></tr>")
    for r in results:
        status = "ok" if r.ok else "failed"
        parts.append(f'<tr><td><a href="#{e(r.stem)}">{e(r.title)}</a> ({e(r.path.name)})</td>'
                     f'<td class="status-{status}">{status}</td><td>{r.seconds:.1f} s</td>'
                     f"<td>{len(r.figures)}</td></tr>")
    parts.append("</table>")

    for r in results:
        status = "ok" if r.ok else "failed"
        parts.append(f'<section id="{e(r.stem)}"><h2>{e(r.title)}</h2>')
        parts.append(f'<p class="meta"><a href="notebooks/{e(r.path.name)}">{e(r.path.name)}</a>'
                     f' &middot; <span class="status-{status}">{status}</span>'
                     f" &middot; {r.seconds:.1f} s</p>")
        if not r.ok:
            parts.append(f'<p class="status-failed">{e(r.summary)}</p>'
                         f'<pre class="error">{e(r.error)}</pre>')
        if r.figures:
            parts.append('<div class="grid">')
            for fig in r.figures:
                parts.append(f'<figure><a href="{e(fig.file)}"><img src="{e(fig.file)}" '
                             f'alt="{e(fig.caption)}" loading="lazy"></a>'
                             f"<figcaption>{e(fig.caption)}</figcaption></figure>")
            parts.append("</div>")
        elif r.ok:
            parts.append("<p>No figures.</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_summary(results: list[Result], out_dir: Path) -> None:
    summary = [{
        "notebook": r.path.name, "title": r.title, "ok": r.ok, "seconds": round(r.seconds, 2),
        "error": r.summary,
        "figures": [{"file": f.file, "caption": f.caption} for f in r.figures],
        "keys": [{"name": n, "value": v} for n, v in r.keys],
        "claims": [{"name": n, "lecture": lec, "ours": o, "holds": h} for n, lec, o, h in r.claims],
    } for r in results]
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="lectures-out", help="output folder (default: lectures-out)")
    parser.add_argument("--notebooks", default="notebooks", help="folder of .ipynb files (default: notebooks)")
    parser.add_argument("--quick", action="store_true", help="set XGRAD_QUICK=1 for the kernels")
    parser.add_argument("--only", metavar="PATTERN",
                        help="run only notebooks whose name matches (glob, or substring)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="run the kernels with N threads (OpenBLAS, OpenMP and xgrad's loops)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell (default: 1200)")
    args = parser.parse_args(argv)

    nb_dir = Path(args.notebooks).resolve()
    out_dir = Path(args.out).resolve()
    if not nb_dir.is_dir():
        print(f"error: notebooks folder {nb_dir} does not exist", file=sys.stderr)
        return 2
    notebooks = select(sorted(nb_dir.glob("*.ipynb")), args.only)
    if not notebooks:
        what = f" matching {args.only!r}" if args.only else ""
        print(f"error: no notebooks{what} in {nb_dir}", file=sys.stderr)
        return 2

    # Kernels inherit this environment.
    if args.quick:
        os.environ["XGRAD_QUICK"] = "1"
    if args.threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "XGRAD_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # figures as PNG outputs, whatever the caller set
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silence a debugger warning

    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for i, path in enumerate(notebooks, start=1):
        print(f"[{i}/{len(notebooks)}] {path.name} ...", end=" ", flush=True)
        result = run_notebook(path, out_dir, args.timeout)
        results.append(result)
        status = "ok" if result.ok else "FAILED"
        print(f"{status} ({result.seconds:.1f} s, {len(result.figures)} figures, "
              f"{len(result.keys)} key numbers)", flush=True)
        if not result.ok:
            print(f"    {result.summary}", flush=True)

    index = out_dir / "index.html"
    index.write_text(render_html(results, args.quick), encoding="utf-8")
    write_summary(results, out_dir)

    failed = [r.path.name for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr, flush=True)
    print(f"Gallery: {index}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
