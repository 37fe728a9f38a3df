"""A build that runs while another process adds papers to the bib sees a whole file:
the one before a write or the one after, never a half-written one."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import time
from pathlib import Path

import pytest
from paperrefs.fetching import add_papers
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.sphinx import MakeApp, build, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds while another process writes

WRITES = 40
FIRST_PAGES = 4  # entries of the test site's bib


def _add_one_by_one(bib: str, started: multiprocessing.synchronize.Event) -> None:
    started.set()
    for number in range(1, WRITES + 1):
        # Long titles make each write big enough to be caught half-way if it were not atomic.
        title = f"Paper {number} " + "with a rather long title " * 40
        meta = PaperMetadata(parse_arxiv_id(f"2403.{number:05d}"), title, ("A Writer",), "cs.LG")
        add_papers(Path(bib), [meta])
        time.sleep(0.01)


def test_builds_during_writes_see_complete_bibs(make_app: MakeApp, site: Path) -> None:
    bib = site / "refs.bib"
    context = multiprocessing.get_context("fork")
    started = context.Event()
    writer = context.Process(target=_add_one_by_one, args=(str(bib), started))
    writer.start()
    started.wait(timeout=10)
    seen: list[int] = []
    try:
        while writer.is_alive() or not seen:
            app = build(make_app, site, freshenv=True)
            assert "WARNING" not in warnings_of(app), warnings_of(app)
            seen.append(len(list((Path(app.outdir) / "papers").glob("*.html"))))
    finally:
        writer.join(timeout=60)
    assert writer.exitcode == 0
    assert any(FIRST_PAGES < count < FIRST_PAGES + WRITES for count in seen), (
        f"no build overlapped a write ({seen}); the test proves nothing"
    )
    assert all(FIRST_PAGES <= count <= FIRST_PAGES + WRITES for count in seen)
    assert seen == sorted(seen), "a later build saw fewer papers than an earlier one"
    final = build(make_app, site, freshenv=True)
    assert len(list((Path(final.outdir) / "papers").glob("*.html"))) == FIRST_PAGES + WRITES
