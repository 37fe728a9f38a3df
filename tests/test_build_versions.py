"""A note that covers an older arXiv version than the bib records says so, on its card
and on the paper's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds


def text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def record_version(site: Path, version: int) -> None:
    bib = site / "refs.bib"
    old = bib.read_text(encoding="utf-8")
    new = old.replace(
        "eprint = {1707.06347},", f"eprint = {{1707.06347}},\n  version = {{{version}}},"
    )
    assert new != old
    bib.write_text(new, encoding="utf-8")


def test_an_older_covered_version_is_named_with_the_latest(make_app: MakeApp, site: Path) -> None:
    record_version(site, 3)
    app = build(make_app, site)
    assert warnings_of(app) == ""
    assert "this note covers v2; latest v3" in text(html(app, "notes/policy"))
    page = text(html(app, "papers/schulman2017proximal"))
    assert "covers version 2; latest v3" in page


def test_the_covered_version_alone_when_it_is_the_latest(make_app: MakeApp, site: Path) -> None:
    record_version(site, 2)
    app = build(make_app, site)
    assert "this note covers version 2" in text(html(app, "notes/policy"))
    assert "latest" not in text(html(app, "papers/schulman2017proximal"))
