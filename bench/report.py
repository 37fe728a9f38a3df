"""Turn the records of a benchmark run into the docs' performance page and its plot."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import SIZES
from bench.scenarios import STEPS, Record

RTD_LIMIT = 15 * 60
NAMES = {"paperrefs": "paperrefs", "b1": "B1", "b0": "B0"}


@dataclass(frozen=True)
class Target:
    name: str
    met: bool | None  # None: not measured in this run
    detail: str


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


class Results:
    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.sizes = [size for size in SIZES if any(r.size == size for r in records)]

    def of(self, size: str, variant: str, step: str) -> list[Record]:
        return [r for r in self.records if (r.size, r.variant, r.step) == (size, variant, step)]

    def wall(self, size: str, variant: str, step: str) -> float | None:
        found = self.of(size, variant, step)
        return median(r.build.wall for r in found) if found else None

    def peak(self, size: str, variant: str, step: str) -> float | None:
        found = self.of(size, variant, step)
        return median(r.build.peak_rss for r in found) if found else None

    def ratio(self, size: str, step: str) -> float | None:
        ours, base = self.wall(size, "paperrefs", step), self.wall(size, "b1", step)
        return ours / base if ours and base else None

    def slope(self, variant: str) -> float | None:
        """Log-log slope of clean-build time against corpus size, smallest to largest."""
        if len(self.sizes) < 2:
            return None
        first, last = self.sizes[0], self.sizes[-1]
        t0, t1 = self.wall(first, variant, "clean"), self.wall(last, variant, "clean")
        if not t0 or not t1:
            return None
        n0, n1 = documents(first), documents(last)
        return math.log(t1 / t0) / math.log(n1 / n0)


def documents(size: str) -> int:
    return SIZES[size].papers + SIZES[size].notes


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def mebibytes(value: float | None) -> str:
    return "–" if value is None else f"{value / 2**20:.0f} MiB"


def targets(results: Results) -> list[Target]:
    found: list[Target] = []
    for size in results.sizes:
        ratio = results.ratio(size, "clean")
        if size in {"S", "M"}:
            met = None if ratio is None else ratio <= 1.10
            name = f"clean build T(paperrefs)/T(B1) at {size} ≤ 1.10"
        else:
            met, name = None, f"clean build T(paperrefs)/T(B1) at {size}, reported"
        detail = f"{ratio:.2f}" if ratio is not None else "not measured"
        found.append(Target(name, met, detail))
    slope = results.slope("paperrefs")
    base = results.slope("b1")
    span = f"{results.sizes[0]} to {results.sizes[-1]}" if results.sizes else ""
    found.append(
        Target(
            f"log-log slope of clean time vs size ≤ 1.1 ({span})",
            None if slope is None else slope <= 1.1,
            "not measured (needs two sizes)"
            if slope is None
            else f"paperrefs {slope:.2f}, B1 {base:.2f}"
            if base
            else f"{slope:.2f}",
        )
    )
    excess: dict[str, int] = {}
    for record in results.records:
        if record.variant == "paperrefs" and record.excess:
            name = f"{record.size} {record.step}"
            excess[name] = max(excess.get(name, 0), record.excess)
    found.append(
        Target(
            "HTML rewritten beyond the minimal set = 0 after every edit",
            not excess,
            "0 in every build"
            if not excess
            else ", ".join(f"{name}: {count}" for name, count in excess.items()),
        )
    )
    for size in results.sizes:
        slower = []
        for step in STEPS:
            ratio = results.ratio(size, step.name)
            if step.one_edit and ratio is not None and ratio > 1.10:
                slower.append(f"{step.name} {ratio:.2f}")
        found.append(
            Target(
                f"no-op and one-edit rebuilds ≤ B1 + 10 % at {size}",
                not slower,
                "all within" if not slower else "over: " + ", ".join(slower),
            )
        )
    found.append(network_target(results))
    for size in results.sizes:
        ours, base = results.peak(size, "paperrefs", "clean"), results.peak(size, "b1", "clean")
        ratio = ours / base if ours and base else None
        found.append(
            Target(
                f"peak memory ≤ 1.2 × B1 (clean build, {size})",
                None if ratio is None else ratio <= 1.2,
                "not measured"
                if ratio is None
                else f"{ratio:.2f} ({mebibytes(ours)} vs {mebibytes(base)})",
            )
        )
    large = results.wall("L", "paperrefs", "clean")
    found.append(
        Target(
            "L clean build well inside Read the Docs' 15 minutes (≤ 7.5 min)",
            None if large is None else large < RTD_LIMIT / 2,
            'not run here (run by hand: make bench SIZES="S M L")'
            if large is None
            else seconds(large),
        )
    )
    return found


def network_target(results: Results) -> Target:
    wrong = []
    for record in results.records:
        if record.variant != "paperrefs":
            continue
        expected = {"new-id": 1, "fetch-150": 2}.get(record.step, 0)
        if record.requests != expected:
            wrong.append(f"{record.size} {record.step}: {record.requests} (expected {expected})")
    return Target(
        "HTTP requests: 0 without new IDs, ceil(n/100) for n new IDs",
        not wrong,
        "0 for every build without new IDs; 1 for 1 new ID; 2 for 150"
        if not wrong
        else "; ".join(wrong),
    )


def mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "–"}[met]


def step_table(results: Results, size: str) -> list[str]:
    lines = [
        f"### {size}: {SIZES[size].papers:,} papers, {SIZES[size].notes:,} notes",
        "",
        "| scenario | paperrefs | B1 | B0 | paperrefs / B1 | CPU (paperrefs) | re-read | "
        "HTML rewritten (excess) | HTTP | bib kept |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for step in STEPS:
        ours = results.of(size, "paperrefs", step.name)
        if not ours:
            continue
        ratio = results.ratio(size, step.name)
        last = ours[-1]
        kept = {True: "yes", False: "changed", None: "–"}[last.bib_kept]
        if not step.bib_kept and last.bib_kept is False:
            kept = "changed (fetch)"
        lines.append(
            f"| {step.title} | {seconds(results.wall(size, 'paperrefs', step.name))} "
            f"| {seconds(results.wall(size, 'b1', step.name))} "
            f"| {seconds(results.wall(size, 'b0', step.name))} "
            f"| {'–' if ratio is None else f'{ratio:.2f}'} "
            f"| {median(r.build.cpu for r in ours):.2f} s | {last.build.reread} "
            f"| {len(last.build.rewritten)} ({last.excess}) | {last.requests} | {kept} |"
        )
    lines += [
        "",
        f"Peak memory of the whole process tree, clean build: paperrefs "
        f"{mebibytes(results.peak(size, 'paperrefs', 'clean'))}, B1 "
        f"{mebibytes(results.peak(size, 'b1', 'clean'))}, B0 "
        f"{mebibytes(results.peak(size, 'b0', 'clean'))}; with `-j auto`: paperrefs "
        f"{mebibytes(results.peak(size, 'paperrefs', 'clean-jauto'))}, B1 "
        f"{mebibytes(results.peak(size, 'b1', 'clean-jauto'))}.",
        "",
    ]
    return lines


def write_plot(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "paperrefs-bench"
    figure, axes = plt.subplots(figsize=(6, 4))
    for variant, style in (("paperrefs", "o-"), ("b1", "s--"), ("b0", "^:")):
        points = [(documents(size), results.wall(size, variant, "clean")) for size in results.sizes]
        xs = [x for x, y in points if y]
        ys = [y for _, y in points if y]
        if xs:
            axes.plot(xs, ys, style, label=NAMES[variant])
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("corpus size (papers + notes)")
    axes.set_ylabel("clean build, median wall time (s)")
    axes.set_title("Clean build time against corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def page(results: Results, conditions: list[str], plot_name: str) -> str:
    lines = [
        "# Performance",
        "",
        "How `paperrefs` scales against the best a user could do without it. This page and",
        "its plot are written by `make bench` (`python -m bench`) from a real run; the",
        "benchmark code, its corpus generator and its scenarios are in `bench/`.",
        "",
        "- **paperrefs**: the notes in this project's syntax (`paper` directive, `{arxiv}`,",
        "  plain arXiv links, `{cite}`); paper pages, backlinks, changelog, index and feed",
        "  are generated by the extension.",
        "- **B1**: the same site without paperrefs: the same notes citing through",
        "  sphinxcontrib-bibtex, and the same paper pages, changelog and index written as",
        "  static Markdown with the same content. Same theme (sphinx-book-theme) and sidebar.",
        "- **B0**: plain Sphinx + MyST, citations as links, no paper pages; for reference.",
        "",
        "Notes sit ten to a topic page; paper pages are orphans, outside every toctree, so",
        "no sidebar lists them. Every run starts from a clean build, then applies one edit",
        "per build. Times are medians over the runs; the counts come from the last run.",
        "",
        "## Targets",
        "",
        "| target | result | measured |",
        "|---|---|---|",
    ]
    lines += [f"| {t.name} | {mark(t.met)} | {t.detail} |" for t in targets(results)]
    lines += [
        "",
        "## Clean build against corpus size",
        "",
        f"![Clean build time against corpus size, log-log]({plot_name})",
        "",
    ]
    lines += ["## Every scenario", ""]
    for size in results.sizes:
        lines += step_table(results, size)
    lines += [
        "Columns: wall time (median); CPU is user + system time of the build process and",
        "its workers; *re-read* is Sphinx's own count of documents read again; *HTML",
        "rewritten* counts pages whose file was written, and *excess* those of them that",
        "neither changed nor are always written by Sphinx (`genindex`, `search`, and the",
        "toctree parent of a written page); *HTTP* counts requests the stand-in arXiv",
        "server on 127.0.0.1 answered; *bib kept* says whether the build left",
        "`bib/papers.bib` byte-for-byte and mtime unchanged.",
        "",
        "## Conditions",
        "",
        *conditions,
        "",
    ]
    return "\n".join(lines)
