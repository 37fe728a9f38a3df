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
from bench.sites import render

pytestmark = pytest.mark.slow  # the benchmark on a tiny corpus: real builds of four site variants

TINY = Size("S", 12, 4)


@pytest.fixture(autouse=True)
def no_fetch_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERREFS_FETCH", raising=False)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    work = tmp_path_factory.mktemp("bench")
    return run_size(
        "S", generate(TINY), work, 1, ("paperrefs", "b1", "f", "b0"), log=lambda _: None
    )


def by_step(records: list[Record], variant: str) -> dict[str, Record]:
    return {record.step: record for record in records if record.variant == variant}


def test_every_variant_builds_every_step_without_warnings(records: list[Record]) -> None:
    ran = {(record.variant, record.step) for record in records}
    for step in STEPS:
        for variant in step.variants:
            assert (variant, step.name) in ran
    assert [(r.variant, r.step, r.build.log) for r in records if r.build.warnings] == []


def test_variants_take_each_step_in_turn(records: list[Record]) -> None:
    # Step-major order: load on the host during one step falls on all its variants.
    order = [record.step for record in records]
    assert order == sorted(order, key=[step.name for step in STEPS].index)
    assert [r.variant for r in records[:4]] == ["paperrefs", "b1", "f", "b0"]


def test_paperrefs_rewrites_only_what_changed(records: list[Record]) -> None:
    steps = by_step(records, "paperrefs")
    assert steps["noop"].build.reread == 0
    assert steps["noop"].build.rewritten == {"genindex.html", "search.html"}
    assert steps["edit-text"].build.reread == 1
    assert steps["add-citation"].build.changed >= {"references.html"}
    assert any(page.startswith("papers/") for page in steps["add-citation"].build.changed)
    assert steps["touch-bib"].build.reread == 0  # the bib's content decides, not its time
    # A new arXiv version changes the entry's text but nothing the pages show of it; the
    # pages that show the entry are still re-read and rewritten (reported, not hidden).
    excess = {name: r.excess for name, r in steps.items() if r.excess and name != "update-apply"}
    assert excess == {}


def test_the_floor_cites_by_plain_links_without_a_bibliography_extension() -> None:
    files = render("f", generate(TINY))
    assert "sphinxcontrib.bibtex" not in files["docs/conf.py"]
    assert not [name for name, text in files.items() if "{cite" in text or "{bibliography}" in text]
    b1 = render("b1", generate(TINY))
    assert sorted(name for name in files if "/papers/" in name) == sorted(
        name for name in b1 if "/papers/" in name
    )


def test_commands_change_the_bib_as_the_model_says(records: list[Record]) -> None:
    steps = by_step(records, "paperrefs")
    assert steps["update-apply"].build.reread >= 1
    assert any(page.startswith("papers/") for page in steps["update-apply"].build.changed)
    assert any(page.startswith("papers/") for page in steps["new-doi"].build.changed)
    assert "references.html" in steps["new-doi"].build.changed


def test_the_live_preview_is_timed_from_save_to_served_page(records: list[Record]) -> None:
    for variant in ("paperrefs", "b1", "f"):
        served = by_step(records, variant)["serve-edit"]
        assert served.build.on_disk is not None
        assert 0 < served.build.on_disk <= served.build.wall
        assert served.build.reread == 1
        assert any(page.startswith("notes/") for page in served.build.changed)


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
    assert kept == set(steps) - {"new-id", "fetch-150", "update-apply", "new-doi"}


def test_results_page_reports_every_target(records: list[Record]) -> None:
    text = page(Results(records), ["- conditions"], "plot.svg")
    for target in (
        "| clean build ≤ 1.10 × F at S |",
        "| no-op and one-note edits ≤ 1.25 × F at S |",
        "| entry changes ≤ 1.5 × F's one-page edit at S |",
        "| peak memory ≤ 1.2 × F (clean build, S) |",
        "| `make serve`, one note saved, at S: reported |",
    ):
        assert target in text
    network = "| HTTP requests to arXiv: 0 for builds without new IDs, ceil(n/100) for n new IDs |"
    assert f"{network} met |" in text
    assert "| `make serve`: save one note, until served |" in text
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
