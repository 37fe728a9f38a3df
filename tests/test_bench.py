"""A small smoke run of the benchmark: it must measure what it claims, not how fast.

No timing is asserted (machines are noisy); the counts are: documents re-read, pages
rewritten beyond the minimal set, HTTP requests to the stand-in arXiv, and whether the
bib was left alone. A tiny corpus keeps the run short.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bench.arxiv_server import FakeArxiv
from bench.corpus import Size, generate
from bench.measure import html_hashes, run_build
from bench.report import Results, page
from bench.scenarios import (
    STEPS,
    Record,
    VariantRun,
    load_records,
    run_size,
    save_records,
    served_papers,
)

pytestmark = pytest.mark.slow  # the benchmark on a tiny corpus: real builds of three site variants

TINY = Size("S", 12, 4)


@pytest.fixture(autouse=True)
def no_fetch_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERREFS_FETCH", raising=False)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    work = tmp_path_factory.mktemp("bench")
    return run_size("S", generate(TINY), work, 1, ("paperrefs", "b1", "b0"), log=lambda _: None)


def by_step(records: list[Record], variant: str) -> dict[str, Record]:
    return {record.step: record for record in records if record.variant == variant}


def test_every_variant_builds_every_step_without_warnings(records: list[Record]) -> None:
    ran = {(record.variant, record.step) for record in records}
    for step in STEPS:
        for variant in step.variants:
            assert (variant, step.name) in ran
    assert [(r.variant, r.step, r.build.log) for r in records if r.build.warnings] == []


def test_paperrefs_rewrites_only_what_changed(records: list[Record]) -> None:
    steps = by_step(records, "paperrefs")
    assert steps["noop"].build.reread == 0
    assert steps["noop"].build.rewritten == {"genindex.html", "search.html"}
    assert steps["edit-text"].build.reread == 1
    assert steps["add-citation"].build.changed >= {"references.html"}
    assert any(page.startswith("papers/") for page in steps["add-citation"].build.changed)
    # sphinxcontrib-bibtex re-reads its bibliography page when the bib's mtime moves;
    # that is not paperrefs' doing, and B1 pays the same.
    for name, record in steps.items():
        if name != "touch-bib":
            assert record.excess == 0, (name, record.build.rewritten - record.build.changed)
    assert steps["touch-bib"].excess == by_step(records, "b1")["touch-bib"].excess


def test_network_requests_are_counted(records: list[Record]) -> None:
    steps = by_step(records, "paperrefs")
    assert {name: record.requests for name, record in steps.items() if record.requests} == {
        "new-id": 1,
        "fetch-150": 2,
    }
    assert all(record.requests == 0 for record in records if record.variant != "paperrefs")


def test_bib_is_left_alone_unless_a_fetch_adds_to_it(records: list[Record]) -> None:
    steps = by_step(records, "paperrefs")
    assert steps["new-id"].bib_kept is False
    assert steps["fetch-150"].bib_kept is False
    kept = {name for name, record in steps.items() if record.bib_kept}
    assert kept == set(steps) - {"new-id", "fetch-150"}


def test_results_page_reports_every_target(records: list[Record]) -> None:
    text = page(Results(records), ["- conditions"], "plot.svg")
    # Only the touched bib leaves excess writes, and the page says so.
    excess = "| HTML rewritten beyond the minimal set = 0 after every edit | **not met** |"
    assert f"{excess} S touch-bib: 2 |" in text
    assert "| HTTP requests: 0 without new IDs, ceil(n/100) for n new IDs | met |" in text
    assert "clean build T(paperrefs)/T(B1) at S" in text
    assert "![Clean build time against corpus size, log-log](plot.svg)" in text


def test_incremental_output_equals_a_clean_build(tmp_path: Path) -> None:
    """The "content changed" count is only a fair minimal set if nothing went stale."""
    base = generate(TINY)
    steps = [step for step in STEPS if step.name in {"clean", "add-citation", "edit-bib"}]
    with FakeArxiv(served_papers(base, tuple(steps))) as server:
        site = VariantRun("paperrefs", base, tmp_path / "incremental", server)
        for step in steps:
            site.step(step, base)
    fresh = tmp_path / "fresh"
    shutil.copytree(site.root, fresh, ignore=shutil.ignore_patterns("_build", "papers"))
    assert run_build(fresh).returncode == 0
    built = {name: sha for name, (_, sha) in html_hashes(site.root / "docs/_build/html").items()}
    clean = {name: sha for name, (_, sha) in html_hashes(fresh / "docs/_build/html").items()}
    assert built == clean


def test_saved_records_read_back_the_same(records: list[Record], tmp_path: Path) -> None:
    path = tmp_path / "records-S.json"
    save_records(records, path, "a note")
    loaded, note = load_records(path)
    assert note == "a note"
    strip = [replace(r, build=replace(r.build, log="")) for r in records]
    assert loaded == strip
