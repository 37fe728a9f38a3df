"""Hostile and odd metadata, written by the entry builder as arXiv would send it, through a
real build: escaped text in every output (pages, tooltips, index, changelog, search index,
feed), never markup, never a link unless it is http(s), never a broken build.

The scenario is tests/roots/test-hostile-bib/: its refs.bib holds the entry builder's
output for PAPERS (checked below), a hand-written entry with data: and file: URLs, and
the script-laden entry of test_extension_builds.py; notes/odd.md cites each paper."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from paperrefs.bibfile import read_bib
from paperrefs.entry import format_entry
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata
from sphinx.testing.util import SphinxTestApp

from tests.helpers.paths import ROOTS
from tests.helpers.sphinx import html, warnings_of

ODD_TITLE = "&amp; entities, RTL עברית العربية, emoji 🚀🧪, combining e\u0301 a\u0308"
RST_TITLE = ".. raw:: html <b>x</b> :math:`x` |subst| `link <javascript:x>`_"
MANY = tuple(f"Author Number{i:04d}" for i in range(1000))

PAPERS = {
    "2402.00001": PaperMetadata(parse_arxiv_id("2402.00001v1"), ODD_TITLE, ("Zoë Ça",), "cs.LG"),
    "2402.00002": PaperMetadata(parse_arxiv_id("2402.00002v1"), RST_TITLE, ("R S",), "cs.LG"),
    "2402.00003": PaperMetadata(parse_arxiv_id("2402.00003v1"), "A big team", MANY, "cs.LG"),
    "2402.00004": PaperMetadata(parse_arxiv_id("2402.00004v1"), "", ("No Title",), "cs.LG"),
}

KEYS = {arxiv_id: f"odd{n}2024" for n, arxiv_id in enumerate(PAPERS)}
BIB = ROOTS / "test-hostile-bib" / "refs.bib"

# One build of tests/roots/test-hostile-bib/, shared by the tests that only read it.
pytestmark = pytest.mark.sphinx("html", testroot="hostile-bib")


def test_the_roots_entries_are_what_the_entry_builder_writes() -> None:
    """The root holds the entry builder's output for PAPERS as a file; if the builder
    changes, regenerate the odd* entries of refs.bib with format_entry."""
    document = read_bib(BIB)
    for arxiv_id, meta in PAPERS.items():
        entry = document.get(KEYS[arxiv_id])
        assert entry is not None, KEYS[arxiv_id]
        assert entry.text + "\n" == format_entry(KEYS[arxiv_id], meta)


@pytest.mark.slow
@pytest.mark.sphinx(freshenv=True)  # every page read again: every warning shows
def test_odd_metadata_builds_cleanly_and_reads_as_written(
    app: SphinxTestApp, warning: StringIO
) -> None:
    app.build()
    assert "WARNING" not in warnings_of(warning), warnings_of(warning)

    page = BeautifulSoup(html(app, f"papers/{KEYS['2402.00001']}"), "html.parser")
    assert ODD_TITLE in page.get_text(" ")  # entities shown as typed, marks not split off
    rst = BeautifulSoup(html(app, f"papers/{KEYS['2402.00002']}"), "html.parser")
    assert RST_TITLE in rst.get_text(" ")
    assert rst.select_one("article b") is None  # the raw directive never ran

    note = BeautifulSoup(html(app, "notes/odd"), "html.parser")
    tooltips = [a["title"] for a in note.select("a[title]")]
    assert any(ODD_TITLE in tip for tip in tooltips)
    assert any(RST_TITLE in tip for tip in tooltips)


@pytest.mark.slow
def test_a_thousand_authors_are_shortened_with_a_way_to_see_all(app: SphinxTestApp) -> None:
    app.build()

    page = BeautifulSoup(html(app, f"papers/{KEYS['2402.00003']}"), "html.parser")
    block = page.select_one(".paperrefs-authors-block")
    assert block is not None
    details = block.select_one("details")
    assert details is not None, "long author lists collapse"
    assert "Author Number0999" in details.get_text()
    visible = block.get_text(" ").replace(details.get_text(" "), "")
    assert "Author Number0000" in visible
    assert "Author Number0999" not in visible
    tip = next(
        a["title"]
        for a in BeautifulSoup(html(app, "notes/odd"), "html.parser").select("a[title]")
        if "A big team" in a["title"]
    )
    assert "et al." in tip
    assert len(tip) < 200


@pytest.mark.slow
def test_an_empty_title_still_gives_a_usable_page(app: SphinxTestApp) -> None:
    app.build()

    page = BeautifulSoup(html(app, f"papers/{KEYS['2402.00004']}"), "html.parser")
    heading = page.select_one("article h1") or page.select_one("h1")
    assert heading is not None
    assert heading.get_text(strip=True).strip("¶#") != ""
    index = html(app, "references")
    assert f"papers/{KEYS['2402.00004']}.html" in index


@pytest.mark.slow
def test_only_http_urls_become_links(app: SphinxTestApp) -> None:
    app.build()

    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a[href], link[href], img[src], iframe[src]"):
            target = link.get("href") or link.get("src") or ""
            assert not target.lower().startswith(("javascript:", "data:", "file:")), path


@pytest.mark.slow
def test_search_index_and_feed_hold_the_text(app: SphinxTestApp) -> None:
    app.build()
    outdir = Path(app.outdir)

    index = (outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    assert ODD_TITLE in data["titles"]
    assert RST_TITLE in data["titles"]

    feed = feedparser.parse((outdir / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    text = " ".join(entry.title + " " + entry.get("summary", "") for entry in feed.entries)
    assert "עברית" in text
    assert "🚀" in text


EVIL_TITLE = "<script>alert(“title”)</script> “`include /etc/passwd“` cite`x` **bold**"
MARKUP = ("<script>alert", "<img src=x", "<b>x</b>", 'href="javascript:')


@pytest.mark.slow
def test_no_page_holds_hostile_markup_anywhere_and_titles_are_escaped_once(
    app: SphinxTestApp,
) -> None:
    """Every HTML file of the build, the theme's parts too (its print-only heading, the
    <title>, link-preview metadata), in the book theme that `paperrefs init` sites use."""
    app.build()
    outdir = Path(app.outdir)
    files = sorted(outdir.rglob("*.html"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        for markup in MARKUP:
            assert markup not in text, f"{markup} in {path.relative_to(outdir)}"
        soup = BeautifulSoup(text, "html.parser")
        assert not [tag for tag in soup.find_all(True) if "onerror" in tag.attrs], path
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], path

    page = BeautifulSoup(html(app, "papers/evil2024script"), "html.parser")
    printed = page.select_one("#jb-print-docs-body h1")
    assert printed is not None, "the book theme's print heading"
    shown = page.select_one("article h1")
    assert shown is not None
    # One level of escaping: the reader sees the title as typed, never "&lt;".
    assert printed.get_text() == EVIL_TITLE
    assert shown.get_text().rstrip("#¶") == EVIL_TITLE
    og_title = page.find("meta", attrs={"property": "og:title"})
    assert og_title is not None
    assert og_title["content"] == EVIL_TITLE
    assert page.title is not None
    assert page.title.get_text().startswith(EVIL_TITLE)
    odd = BeautifulSoup(html(app, f"papers/{KEYS['2402.00001']}"), "html.parser")
    odd_print = odd.select_one("#jb-print-docs-body h1")
    assert odd_print is not None
    assert odd_print.get_text() == ODD_TITLE  # "&amp;" in the title stays "&amp;" on paper
