"""An opted-in build fetches missing papers from a real HTTP server on 127.0.0.1.

The build must fetch before anything reads the bib, write it only when arXiv returned
something new, send no request when nothing is missing, and degrade to a warning (never
a crash, never a changed bib) when the server fails.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug import Response

from tests.helpers.fake_arxiv import FakeArxiv, Paper, atom_response
from tests.helpers.paths import ATOM_FIXTURES, copy_root
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

FEED = (ATOM_FIXTURES / "dialect_b_three_papers.xml").read_bytes()
NEW_ID = "2502.11873"
NEW_ENTRY = re.compile(r"eprint\s*=\s*\{2502\.11873\}")


@pytest.fixture(autouse=True)
def private_throttle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the 3 s spacing between requests, but not shared with other test runs."""
    monkeypatch.setenv("PAPERREFS_THROTTLE_FILE", str(tmp_path / "throttle"))
    monkeypatch.delenv("PAPERREFS_FETCH", raising=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of tests/roots/test-fetch/, whose note cites NEW_ID: builds here
    may write to its bib."""
    return copy_root("fetch", tmp_path)


@pytest.fixture
def arxiv(arxiv: FakeArxiv) -> FakeArxiv:
    """The fake arXiv, answering every query with the recorded three-paper feed."""
    arxiv.answer = atom_response(FEED)
    return arxiv


def only_inserted(before: bytes, after: bytes) -> bool:
    """True when ``after`` is ``before`` with lines inserted, none changed or removed."""
    matcher = difflib.SequenceMatcher(
        None, before.splitlines(keepends=True), after.splitlines(keepends=True), autojunk=False
    )
    return all(tag in {"equal", "insert"} for tag, *_ in matcher.get_opcodes())


def fetching(arxiv: FakeArxiv) -> dict[str, object]:
    return {"paperrefs_fetch": True, "paperrefs_api_url": arxiv.url}


def test_opted_in_build_fetches_once_then_never_again(
    make_app: MakeApp, site: Path, arxiv: FakeArxiv
) -> None:
    bib = site / "refs.bib"
    before = bib.read_bytes()

    app = build(make_app, site, confoverrides=fetching(arxiv))

    assert arxiv.asked == [NEW_ID]
    after = bib.read_bytes()
    assert NEW_ENTRY.search(after.decode("utf-8"))
    assert only_inserted(before, after), "an existing byte of the bib changed"
    assert "is not in the bibliography" not in warnings_of(app)
    page = html(app, "notes/preferences")
    assert 'href="../papers/marchetti2025sharp.html' in page

    mtime = bib.stat().st_mtime_ns
    build(make_app, site, confoverrides=fetching(arxiv), freshenv=True)
    assert arxiv.asked == [NEW_ID], "a build with nothing missing must not ask arXiv"
    assert bib.read_bytes() == after
    assert bib.stat().st_mtime_ns == mtime


def test_without_opt_in_the_build_sends_nothing(
    make_app: MakeApp, site: Path, arxiv: FakeArxiv
) -> None:
    bib = site / "refs.bib"
    before = bib.read_bytes()

    app = build(make_app, site, confoverrides={"paperrefs_api_url": arxiv.url})

    assert arxiv.asked == []
    assert bib.read_bytes() == before
    assert f"arXiv:{NEW_ID} is not in the bibliography" in warnings_of(app)


def test_environment_variable_opts_in(
    make_app: MakeApp, site: Path, arxiv: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERREFS_FETCH", "1")
    monkeypatch.setenv("PAPERREFS_ARXIV_API", arxiv.url)

    build(make_app, site)

    assert arxiv.asked == [NEW_ID]
    assert NEW_ENTRY.search((site / "refs.bib").read_text(encoding="utf-8"))


def test_failing_server_warns_and_leaves_the_bib_alone(
    make_app: MakeApp, site: Path, arxiv: FakeArxiv
) -> None:
    arxiv.answer = Response("refused", status=403)  # egress blocked, as on some CI hosts
    bib = site / "refs.bib"
    before, mtime = bib.read_bytes(), bib.stat().st_mtime_ns

    app = build(make_app, site, confoverrides=fetching(arxiv))

    warnings = warnings_of(app)
    assert arxiv.asked == [NEW_ID]
    assert f"could not fetch arXiv:{NEW_ID} (unexpected HTTP 403)" in warnings
    assert "[paperrefs.fetch]" in warnings
    assert f"arXiv:{NEW_ID} is not in the bibliography" in warnings
    assert bib.read_bytes() == before
    assert bib.stat().st_mtime_ns == mtime


def test_a_fetched_abstract_reaches_the_paper_page_as_text_and_math(
    make_app: MakeApp, site: Path, arxiv: FakeArxiv
) -> None:
    arxiv.answer = None
    abstract = "Bounds for $k \\in \\{1, \\dots, n\\}$ hold 99% of the time & {beyond."
    arxiv.add(NEW_ID, paper=Paper(title="Sharp Bounds", abstract=abstract))

    app = build(make_app, site, confoverrides=fetching(arxiv))

    bib = (site / "refs.bib").read_text(encoding="utf-8")
    assert "abstract      = {Bounds for \\$k \\textbackslash{}in" in bib
    page = BeautifulSoup(html(app, "papers/tester2025sharp"), "html.parser")
    shown = page.select_one("p.paperrefs-abstract")
    assert shown is not None
    assert [math.get_text() for math in shown.select("span.math")] == [r"\(k \in \{1, \dots, n\}\)"]
    assert shown.get_text().endswith(" hold 99% of the time & {beyond.")
