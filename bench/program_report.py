"""Times the coordinator's program report over a folder of real signed exports.

    PYTHONPATH=src python bench/program_report.py --exports 1000           # a table
    PYTHONPATH=src python bench/program_report.py --exports 1000 --json    # one JSON object

The program is made once (half as many linked pairs as exports: both partners
export) by tests/program_world.py, the same builder the tests use: real
journals with cheap key derivation (key derivation is not what is measured),
real bundles and receipts, real signed JSON exports, and a roster from the
cards. It is kept in bench/.cache/program-N (or --cache-dir). Each measure is
the median of --runs runs in this process:

- report_s: pairjournal.program.report.build over the folder: every file read,
  verified (signature, format, receipts, roster), joined, totalled and
  suppressed; the budget is 5 s for 1,000 exports (docs/COORDINATOR.md);
- html_s, md_s, json_s: rendering that report;
- cli_s: the whole `pairjournal program report ... --format html --out FILE` in a
  fresh process, start-up included (one run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from pairjournal.program import render, report, roster
from program_world import PairSpec, build_program

BUDGET_S = 5.0
PROGRAMS = ("Digital fluency", "Security habits", "Practical AI", "Customer insight")
COHORTS = ("2026 spring", "2026 autumn", "2027 spring")


def specs(pairs: int) -> list[PairSpec]:
    out = []
    for n in range(pairs):
        program = PROGRAMS[n % len(PROGRAMS)]
        cohort = COHORTS[(n // len(PROGRAMS)) % len(COHORTS)]
        out.append(PairSpec(program, cohort, sessions=2 + n % 5, actions=n % 4, done=min(1, n % 4),
                            overdue=1 if n % 4 > 1 else 0, signed=n % 3, recorded=int(n % 3 == 0)))
    return out


def program_folder(exports: int, cache: Path) -> Path:
    folder = cache / f"program-{exports}"
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    world = build_program(folder, specs(exports // 2))
    world.close()
    (folder / "done").write_text("")
    print(f"made {exports} exports in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


def median(runs: int, action: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "bench" / ".cache")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = program_folder(args.exports, args.cache_dir)
    people = roster.load(folder / "roster.toml")
    exports = folder / "exports"
    built: list[report.Built] = []
    results: dict[str, float | int] = {"exports": len(list(exports.iterdir()))}
    results["report_s"] = median(args.runs, lambda: built.append(report.build([exports], people)))
    last = built[-1].report
    results["pairs"] = last["totals"]["pairs"] if last["totals"]["pairs"] is not None else -1
    results["refused"] = len(last["refused"])
    for fmt in ("html", "md", "json"):
        results[f"{fmt}_s"] = median(args.runs, lambda fmt=fmt: render.render(last, fmt))
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pairjournal", "program", "report", str(exports), "--roster",
                        str(folder / "roster.toml"), "--format", "html", "--out", str(Path(scratch) / "r.html")],
                       check=True, env={"PYTHONPATH": str(ROOT / "src")}, capture_output=True)
        results["cli_s"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(results))
        return
    budget = {"report_s": BUDGET_S, "cli_s": BUDGET_S}
    print(f"{'measure':<10} {'value':>10} {'budget':>10}")
    for name, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        limit = f"< {budget[name]:.1f}" if name in budget else ""
        print(f"{name:<10} {shown:>10} {limit:>10}")


if __name__ == "__main__":
    main()
