"""``python -m bench``: run the benchmark and write the performance page and plot."""

from __future__ import annotations

import argparse
import compileall
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import docutils
import myst_parser
import paperrefs
import sphinx

from bench.corpus import SIZES, generate
from bench.report import Results, page, write_plot
from bench.scenarios import STEPS, Record, load_records, run_size, save_records
from bench.sites import VARIANTS

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "findings.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["S", "M"], choices=list(SIZES))
    parser.add_argument(
        "--runs", nargs="+", default=["S=2", "M=1", "L=1"], help="runs per size, e.g. S=5 M=2"
    )
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument(
        "--steps", nargs="+", default=[s.name for s in STEPS], choices=[s.name for s in STEPS]
    )
    parser.add_argument(
        "--reuse",
        nargs="*",
        default=[],
        choices=list(SIZES),
        help="take these sizes' results from an earlier run instead of running them again",
    )
    parser.add_argument("--work", type=Path, default=HERE / "_work")
    parser.add_argument("--page", type=Path, help="write the results page here (Markdown)")
    parser.add_argument("--plot", type=Path, help="write the plot here (SVG)")
    return parser.parse_args(argv)


def runs_per_size(specs: list[str]) -> dict[str, int]:
    runs = {}
    for spec in specs:
        size, _, count = spec.partition("=")
        runs[size] = int(count)
    return runs


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model or platform.machine()}), {memory:.0f} GiB"


def conditions(
    args: argparse.Namespace, runs: dict[str, int], load: tuple[float, ...], took: float
) -> list[str]:
    end = os.getloadavg()
    sizes = ", ".join(
        f"{size} × {runs.get(size, 1)}" for size in args.sizes if size not in args.reuse
    )
    return [
        f"- Run on {datetime.date.today().isoformat()}: {machine()}; Python "
        f"{platform.python_version()}, Sphinx {sphinx.__version__}, MyST-Parser "
        f"{myst_parser.__version__}, docutils {docutils.__version__}.",
        f"- Runs per size: {sizes}; variants interleaved step by step; whole benchmark took "
        f"{took / 60:.1f} min.",
        f"- Load average (1, 5, 15 min) at start {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}; "
        f"at end {end[0]:.2f}, {end[1]:.2f}, {end[2]:.2f}. The machine was shared with other "
        "work, so single numbers are noisy; compare ratios within a size.",
        "- Every build is `python -m sphinx -b html -j 1` (or `-j auto`) in a subprocess; "
        "the live preview is `make serve`'s sphinx-autobuild command line, polled every "
        "10 ms. Peak memory sums the RSS of the build process and its workers, sampled every "
        "20 ms (shared pages of forked workers count once per worker).",
        "- paperrefs' modules are compiled to bytecode before the runs, as pip compiles an "
        "installed wheel's; every other package was installed by pip.",
    ]


def compile_paperrefs() -> None:
    """Every other package the builds import was installed by pip, which compiled its
    modules to bytecode; an editable paperrefs has none, and where
    ``PYTHONDONTWRITEBYTECODE`` is set, each build would compile its sources again
    (0.13 s a build here), a cost no installed copy has."""
    compileall.compile_dir(Path(paperrefs.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_paperrefs()
    runs = runs_per_size(args.runs)
    load = os.getloadavg()
    started = time.perf_counter()
    records: list[Record] = []
    notes: list[str] = []
    steps = tuple(step for step in STEPS if step.name in args.steps)
    args.work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        if size in args.reuse:
            reused, note = load_records(args.work / f"records-{size}.json")
            records += reused
            notes.append(f"- {size}: results reused from an earlier run ({note}).")
            continue
        base = generate(SIZES[size])
        ran = run_size(
            size, base, args.work, runs.get(size, 1), tuple(args.variants), print_flush, steps
        )
        today = datetime.date.today().isoformat()
        save_records(
            ran, args.work / f"records-{size}.json", f"{today}, {runs.get(size, 1)} run(s)"
        )
        records += ran
    took = time.perf_counter() - started
    described = args.work / "conditions.md"
    if all(size in args.reuse for size in args.sizes) and described.is_file():
        # Only the page is written again: the conditions are those of the run measured.
        lines = described.read_text(encoding="utf-8").splitlines()
    else:
        lines = conditions(args, runs, load, took)
        described.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = Results(records)
    if args.plot:
        write_plot(results, args.plot)
    if args.page:
        text = page(results, lines + notes, args.plot.name if args.plot else "")
        if FINDINGS.is_file():
            text += "\n" + FINDINGS.read_text(encoding="utf-8")
        args.page.write_text(text, encoding="utf-8")
    warned = [r for r in records if r.build.warnings]
    for record in warned:
        print_flush(
            f"warnings in {record.size} {record.variant} {record.step}: {record.build.warnings}"
        )
    return 1 if warned else 0


def print_flush(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
