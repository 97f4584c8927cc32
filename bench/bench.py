"""The review's speed and memory at four sizes of export, beside the floors they cannot beat.

``make bench`` (or ``.venv/bin/python bench/bench.py --help``) generates the sample company's
export at each size with ``helpers.io.sample`` (kept in ``bench/data``, made once), then measures
in fresh processes, one after another:

- **floor**: a trivial notebook (``bench/trivial.ipynb``) rendered through the same papermill
  and nbconvert path as the review (``helpers.report.render.render_notebook``): kernel start,
  papermill, the HTML template. No review can be faster.
- **stack**: the same trivial notebook with its kernel importing what the review imports
  (pandas, matplotlib, seaborn, the helpers): what every review pays before it reads a row.
- **read**: a bare read of the same input files with pyarrow, nothing else.
- **engine**: the same files read by DuckDB into tables it types, with each invoice id checked
  unique and every customer id checked listed, within the review engine's memory limit
  (``bench/engine.py``): the least a review that checks its export in the engine does. When
  the stack and this floor together take longer than a size's target, no review that checks
  its export can meet it on that machine, and the verdict says so.
- **report**: ``customer-review run`` on the export, as a scheduler calls it, the review's
  page and files without dossiers (``--dossiers none``).
- **dossiers** (S and M): the same run writing the dossiers of the customers the review flags
  beside it (``--dossiers flagged``, the default), with how many it wrote.
- **warm re-run** (S): the review notebook run in one kernel, then every cell run again, as an
  analyst does in JupyterLab once the kernel is up (``bench/warm.py``): as it is, and with the
  headache share changed.
- **what-if** (S and M): the analyst's slider in JupyterLab (``bench/what_if.py``): the loaded
  review judged again with another headache share, and the whole redraw with the chart (the
  median of the moves after the first, against the target of half a second at S), and the
  first move, which also lays the chart out.

For each it prints wall time and peak memory (resident set of the whole process tree, the kernel
included, sampled every 50 ms), the HTML's size, and the time the report must reach
(``TARGETS``): stack + 3 s at S, stack + 4 s at M, twice stack + read from 50k customers. The
page must stay under 3 MB, L within 1 GB, and the warm re-run at S within 3 s. A run over
``--timeout`` or ``--memory-limit`` is stopped and shown as such, so that the bench always
finishes. Timings vary with the machine's load: compare figures from one run, and run twice
before believing a change.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import psutil

from helpers.io.engine import MEMORY_LIMIT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
LOGS = HERE / "logs"
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("customer-review"))

# Customers per size; the generator draws invoices and time entries for them (at the sample's
# mix, about 24 invoices and 32 time entries per customer over two years).
SIZES = {"S": 300, "M": 2_000, "50k": 50_000, "L": 200_000}
# The seconds the report may take at each size, from the stack and read floors of the same run.
TARGETS = {
    "S": lambda stack, read: stack + 3,
    "M": lambda stack, read: stack + 4,
    "50k": lambda stack, read: 2 * (stack + read),
    "L": lambda stack, read: 2 * (stack + read),
}
MEMORY_TARGET_MB = {"L": 1024}  # the whole process tree's peak
HTML_TARGET_MB = 3.0
WARM_TARGET_S = 3.0  # every cell run again in a running kernel, at S
WARM_SIZES = ("S",)
PERIOD = "2026-Q3"  # the generator's last full quarter
INTERACTIVE_SIZES = ("S", "M")  # where the dossiers and the what-if are timed


@dataclass
class Measure:
    """One process tree's run: seconds, peak resident memory in MB, and how it ended."""

    seconds: float
    peak_mb: float
    status: str = "ok"  # "ok", "failed (exit N)", "timed out", "over memory limit"


def measure(command: list[str], timeout: float, memory_limit_mb: float, log: Path) -> Measure:
    """Run ``command`` and follow its process tree until it ends, is over ``timeout`` seconds
    or holds more than ``memory_limit_mb`` (then it is killed)."""
    started = time.perf_counter()
    with log.open("w") as output:
        process = psutil.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
        peak, status = 0.0, "ok"
        while process.poll() is None:
            peak = max(peak, _tree_rss_mb(process))
            if peak > memory_limit_mb:
                status = "over memory limit"
            elif time.perf_counter() - started > timeout:
                status = "timed out"
            if status != "ok":
                _kill_tree(process)
                break
            time.sleep(0.05)
        process.wait()
    seconds = time.perf_counter() - started
    if status == "ok" and process.returncode != 0:
        status = f"failed (exit {process.returncode}; see {log})"
    return Measure(seconds, peak, status)


def _tree_rss_mb(process: psutil.Process) -> float:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def _kill_tree(process: psutil.Process) -> None:
    try:
        members = [*process.children(recursive=True), process]
    except psutil.NoSuchProcess:
        return
    for member in members:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            continue


def export_for(size: str, form: str) -> tuple[Path, dict[str, int]]:
    """The export of ``size`` as ``form`` ("csv" or "parquet"), generated when missing, and its
    row counts per table."""
    folder = DATA / size / form
    counts_file = DATA / size / "rows.json"
    if not (folder / ".complete").exists():
        print(f"  generating the {size} export as {form} ...", file=sys.stderr, flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), str(SIZES[size]), form, str(folder)],
            check=True,
        )
        (folder / ".complete").touch()
    return folder, json.loads(counts_file.read_text()) if counts_file.exists() else {}


def run_size(size: str, form: str, args: argparse.Namespace, work: Path) -> dict:
    export, rows = export_for(size, form)
    input_mb = sum(p.stat().st_size for p in export.iterdir() if p.is_file()) / 2**20
    limits = (args.timeout, args.memory_limit)
    LOGS.mkdir(exist_ok=True)
    name = f"{size}-{form}"
    floor = measure(
        [PYTHON, str(HERE / "floor.py"), str(work / f"floor-{name}")],
        *limits,
        LOGS / f"floor-{name}.log",
    )
    stack = measure(
        [PYTHON, str(HERE / "floor.py"), str(work / f"stack-{name}"), "stack"],
        *limits,
        LOGS / f"stack-{name}.log",
    )
    read = measure([PYTHON, str(HERE / "read.py"), str(export)], *limits, LOGS / f"read-{name}.log")
    in_engine = measure(
        [PYTHON, str(HERE / "engine.py"), str(export), MEMORY_LIMIT],
        *limits,
        LOGS / f"engine-{name}.log",
    )

    def review(step: str, dossiers: str) -> tuple[Measure, Path]:
        """``customer-review run`` on the export with ``--dossiers dossiers``; its period's
        folder."""
        reports = work / f"{step}-{name}"
        run = measure(
            [CLI, "run", "--export", str(export), "--company", "Bench", "--period", PERIOD,
             "--reports", str(reports), "--quiet", "--dossiers", dossiers],
            *limits,
            LOGS / f"{step}-{name}.log",
        )  # fmt: skip
        return run, reports / "bench" / PERIOD

    report, period = review("report", "none")
    html = period / "review.html"
    dossiers, what_if, warm = None, None, None
    if size in WARM_SIZES:
        warm = _json_of([PYTHON, str(HERE / "warm.py"), str(export)])
    if size in INTERACTIVE_SIZES:
        run, beside = review("dossiers", "flagged")
        written = len(list(beside.glob("dossier-*.html")))
        dossiers = {**asdict(run), "written": written}
        what_if = _json_of([PYTHON, str(HERE / "what_if.py"), str(export)])
    return {
        "size": size,
        "format": form,
        "rows": rows,
        "input_mb": round(input_mb, 1),
        "floor": asdict(floor),
        "stack": asdict(stack),
        "read": asdict(read),
        "engine": asdict(in_engine),
        "report": asdict(report),
        "html_mb": round(html.stat().st_size / 2**20, 2) if html.exists() else None,
        "dossiers": dossiers,
        "what_if": what_if,
        "warm": warm,
    }


def _json_of(command: list[str]) -> dict | None:
    """The figures ``command`` prints as JSON on its last line; ``None`` when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    return json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else None


def target_seconds(result: dict) -> float:
    """The seconds ``result``'s report may take, from its own run's stack and read."""
    stack, read = result["stack"]["seconds"], result["read"]["seconds"]
    return TARGETS[result["size"]](stack, read)


def verdict(result: dict) -> str:
    """Whether ``result`` meets its size's targets, and which ones it misses."""
    report = result["report"]
    if report["status"] != "ok":
        return "no: " + report["status"]
    misses = []
    if report["seconds"] > target_seconds(result):
        misses.append(f"{report['seconds'] - target_seconds(result):.1f} s over")
    memory = MEMORY_TARGET_MB.get(result["size"])
    if memory is not None and report["peak_mb"] > memory:
        misses.append(f"{report['peak_mb'] / 1024:.1f} GB")
    if (result["html_mb"] or 0) > HTML_TARGET_MB:
        misses.append(f"{result['html_mb']} MB page")
    warm = result.get("warm")
    if result["size"] in WARM_SIZES and (warm is None or warm["warm"] > WARM_TARGET_S):
        misses.append("warm re-run failed" if warm is None else f"warm re-run {warm['warm']:.1f} s")
    if misses and _below_floor(result):
        misses.append("the target is below the stack and the engine floor")
    return "yes" if not misses else "no: " + ", ".join(misses)


def _below_floor(result: dict) -> bool:
    """Whether ``result``'s target is shorter than its stack and engine floor together."""
    engine = result.get("engine")
    if engine is None or engine["status"] != "ok":
        return False
    return result["stack"]["seconds"] + engine["seconds"] > target_seconds(result)


def table(results: list[dict]) -> str:
    """The figures as a Markdown table, for the terminal and the README alike."""
    header = (
        "| size | format | customers | invoices | time entries | input MB | floor s | stack s "
        "| read s | engine s (peak MB) | report s | target s | peak MB | HTML MB | target met "
        "| with dossiers s (written) | warm re-run s (threshold changed) | what-if judge s "
        "| what-if redraw s | what-if first move s |"
    )
    lines = [header, "|" + "|".join(" --- " for _ in range(header.count("|") - 1)) + "|"]
    for r in results:
        rows = r["rows"]
        floor, read, report = r["floor"]["seconds"], r["read"]["seconds"], r["report"]["seconds"]
        lines.append(
            f"| {r['size']} | {r['format']} | {rows.get('customers', 0):,} "
            f"| {rows.get('invoices', 0):,} | {rows.get('time_entries', 0):,} "
            f"| {r['input_mb']:,} | {floor:.1f} | {r['stack']['seconds']:.1f} | {read:.1f} "
            f"| {_engine(r.get('engine'))} | {report:.1f} | {target_seconds(r):.1f} "
            f"| {r['report']['peak_mb']:,.0f} | {'-' if r['html_mb'] is None else r['html_mb']} "
            f"| {verdict(r)} | {_dossiers(r.get('dossiers'))} | {_warm(r.get('warm'))} "
            f"| {_what_if(r.get('what_if'))} |"
        )
    return "\n".join(lines)


def _engine(run: dict | None) -> str:
    if run is None:
        return "-"
    if run["status"] != "ok":
        return run["status"]
    return f"{run['seconds']:.1f} ({run['peak_mb']:,.0f})"


def _dossiers(run: dict | None) -> str:
    if run is None:
        return "-"
    if run["status"] != "ok":
        return run["status"]
    return f"{run['seconds']:.1f} ({run['written']})"


def _warm(figures: dict | None) -> str:
    if figures is None:
        return "-"
    return f"{figures['warm']:.1f} ({figures['warm_changed']:.1f})"


def _what_if(figures: dict | None) -> str:
    if figures is None:
        return "- | - | -"
    return f"{figures['judge']:.2f} | {figures['redraw']:.2f} | {figures['first']:.2f}"


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{memory:.0f} GB memory, Python {platform.python_version()}, {platform.system()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", choices=list(SIZES), default=list(SIZES), help="sizes to run"
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=["csv", "parquet"],
        default=None,
        help="export formats (default: csv, and parquet as well for L)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument(
        "--memory-limit", type=float, default=8192, help="MB of the process tree per run"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            forms = args.formats or (["csv", "parquet"] if size == "L" else ["csv"])
            for form in forms:
                print(f"{size} {form} ...", file=sys.stderr, flush=True)
                results.append(run_size(size, form, args, work))
                print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        print(f"\n{machine()}\n")
        print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
