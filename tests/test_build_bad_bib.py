"""A broken bib never aborts a build: the broken part warns at its line, the rest builds.

The command line refuses to write to such a file (see test_bibfile.py); a build reads
what it can, so one typo does not take the whole site down, and ``-W`` still fails it.
The broken files are in tests/roots/test-broken-bib/, next to refs.bib, the intact one.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.helpers.paths import ROOTS
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

ROOT = ROOTS / "test-broken-bib"
GOOD_KEYS = ["rafailov2023direct", "schulman2017proximal", "schulman2015trust"]


def built_with(bib: str) -> pytest.MarkDecorator:
    """A fresh build of the broken-bib root, in a copy of its own, reading ``bib``."""
    return pytest.mark.sphinx(
        "html",
        testroot="broken-bib",
        srcdir=f"broken-bib-{bib.removesuffix('.bib')}",
        confoverrides={"bibtex_bibfiles": [bib]},
        freshenv=True,
    )


BROKEN: dict[str, tuple[int, list[str]]] = {
    # the broken bib: (the line the warning names, keys that still get pages)
    "unbalanced-brace.bib": (3, [*GOOD_KEYS[1:], "sutton2018reinforcement"]),  # in a title
    "cut-mid-entry.bib": (38, GOOD_KEYS),  # the file ends inside its last entry
    "duplicate-key.bib": (46, [*GOOD_KEYS, "sutton2018reinforcement"]),
    "latin-1-byte.bib": (27, [*GOOD_KEYS, "sutton2018reinforcement"]),
}


@pytest.mark.parametrize(
    "case",
    [pytest.param(bib, marks=built_with(bib), id=bib.removesuffix(".bib")) for bib in BROKEN],
)
def test_broken_bib_warns_at_its_line_and_builds_the_rest(
    app: SphinxTestApp, warning: StringIO, case: str
) -> None:
    line, kept = BROKEN[case]
    bib = Path(app.srcdir) / case

    app.build()

    warnings = warnings_of(warning)
    assert f"{bib}:{line}: WARNING: " in warnings
    assert "left out of the build until fixed [paperrefs.bib]" in warnings
    assert "Traceback" not in warnings
    pages = {path.stem for path in (Path(app.outdir) / "papers").glob("*.html")}
    assert set(kept) <= pages, f"entries that parse were dropped: {set(kept) - pages}"
    assert bib.read_bytes() == (ROOT / case).read_bytes(), "a build never rewrites the bib"


@built_with("unbalanced-brace.bib")
def test_cite_keeps_working_for_the_entries_that_parse(
    app: SphinxTestApp, warning: StringIO
) -> None:
    app.build()

    page = html(app, "notes/preferences")
    assert "Sutton" in page  # {cite:t}`sutton2018reinforcement` rendered by sphinxcontrib-bibtex
    assert "sutton2018reinforcement" not in warnings_of(warning)


def test_fixing_the_bib_brings_the_entry_back(make_app: MakeApp, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT, site)
    bib = site / "refs.bib"
    shutil.copy(ROOT / "unbalanced-brace.bib", bib)
    build(make_app, site)
    shutil.copy(ROOT / "refs.bib", bib)

    app = build(make_app, site)

    assert "WARNING" not in warnings_of(app)
    assert (Path(app.outdir) / "papers" / "rafailov2023direct.html").exists()


@built_with("bom-crlf.bib")
def test_bom_crlf_and_no_final_newline_read_cleanly(app: SphinxTestApp, warning: StringIO) -> None:
    original = (ROOT / "bom-crlf.bib").read_bytes()
    assert original.startswith(b"\xef\xbb\xbf")
    assert original.count(b"\n") == original.count(b"\r\n") > 40
    assert not original.endswith(b"\n")

    app.build()

    assert "WARNING" not in warnings_of(warning)
    pages = {path.stem for path in (Path(app.outdir) / "papers").glob("*.html")}
    assert pages == {*GOOD_KEYS, "sutton2018reinforcement"}


@built_with("absent.bib")
def test_missing_bib_warns_and_builds(app: SphinxTestApp, warning: StringIO) -> None:
    assert not (Path(app.srcdir) / "absent.bib").exists()

    app.build()

    warnings = warnings_of(warning)
    assert "absent.bib does not exist; `paperrefs add ID` creates it [paperrefs.bib]" in warnings
    assert "is not in the bibliography" in warnings
