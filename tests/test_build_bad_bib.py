"""A broken bib never aborts a build: the broken part warns at its line, the rest builds.

The command line refuses to write to such a file (see test_bibfile.py); a build reads
what it can, so one typo does not take the whole site down, and ``-W`` still fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.sphinx import MakeApp, build, html, warnings_of

GOOD_KEYS = ["rafailov2023direct", "schulman2017proximal", "schulman2015trust"]


def break_first_title(text: str) -> str:
    """An unbalanced brace in the first entry (line 4)."""
    return text.replace("title = {Direct", "title = {{Direct", 1)


def cut_mid_entry(text: str) -> str:
    """The file ends in the middle of its last entry, as after a bad copy."""
    return text[: text.index("publisher")]


def duplicate_first_entry(text: str) -> str:
    first = text[text.index("@misc{rafailov") : text.index("@misc{schulman2017")]
    return text + "\n" + first.replace("Direct Preference", "Another Title")


def latin1_byte(text: str) -> str:
    return text.replace("Trust Region", "Trust R\udce9gion", 1)


BROKEN: dict[str, tuple[Callable[[str], str], int, list[str]]] = {
    # case: (how to break refs.bib, the line the warning names, keys that still get pages)
    "unbalanced brace": (break_first_title, 3, [*GOOD_KEYS[1:], "sutton2018reinforcement"]),
    "cut mid-entry": (cut_mid_entry, 38, GOOD_KEYS),
    "duplicate key": (duplicate_first_entry, 46, [*GOOD_KEYS, "sutton2018reinforcement"]),
    "Latin-1 byte": (latin1_byte, 27, [*GOOD_KEYS, "sutton2018reinforcement"]),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_bib_warns_at_its_line_and_builds_the_rest(
    make_app: MakeApp, site: Path, case: str
) -> None:
    breaker, line, kept = BROKEN[case]
    bib = site / "refs.bib"
    original = bib.read_text(encoding="utf-8")
    broken = breaker(original).encode("utf-8", errors="surrogateescape")
    bib.write_bytes(broken)

    app = build(make_app, site)

    warnings = warnings_of(app)
    assert f"{bib}:{line}: WARNING: " in warnings
    assert "left out of the build until fixed [paperrefs.bib]" in warnings
    assert "Traceback" not in warnings
    pages = {path.stem for path in (Path(app.outdir) / "papers").glob("*.html")}
    assert set(kept) <= pages, f"entries that parse were dropped: {set(kept) - pages}"
    assert bib.read_bytes() == broken, "a build never rewrites the bib"


def test_cite_keeps_working_for_the_entries_that_parse(make_app: MakeApp, site: Path) -> None:
    bib = site / "refs.bib"
    bib.write_text(break_first_title(bib.read_text(encoding="utf-8")), encoding="utf-8")

    app = build(make_app, site)

    page = html(app, "notes/preferences")
    assert "Sutton" in page  # {cite:t}`sutton2018reinforcement` rendered by sphinxcontrib-bibtex
    assert "sutton2018reinforcement" not in warnings_of(app)


def test_fixing_the_bib_brings_the_entry_back(make_app: MakeApp, site: Path) -> None:
    bib = site / "refs.bib"
    original = bib.read_text(encoding="utf-8")
    bib.write_text(break_first_title(original), encoding="utf-8")
    build(make_app, site)
    bib.write_text(original, encoding="utf-8")

    app = build(make_app, site)

    assert "WARNING" not in warnings_of(app)
    assert (Path(app.outdir) / "papers" / "rafailov2023direct.html").exists()


def test_bom_crlf_and_no_final_newline_read_cleanly(make_app: MakeApp, site: Path) -> None:
    bib = site / "refs.bib"
    text = bib.read_text(encoding="utf-8").rstrip("\n").replace("\n", "\r\n")
    bib.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    app = build(make_app, site)

    assert "WARNING" not in warnings_of(app)
    pages = {path.stem for path in (Path(app.outdir) / "papers").glob("*.html")}
    assert pages == {*GOOD_KEYS, "sutton2018reinforcement"}


def test_missing_bib_warns_and_builds(make_app: MakeApp, site: Path) -> None:
    (site / "refs.bib").unlink()

    app = build(make_app, site)

    warnings = warnings_of(app)
    assert "refs.bib does not exist; `paperrefs add ID` creates it [paperrefs.bib]" in warnings
    assert "is not in the bibliography" in warnings
