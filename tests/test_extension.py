"""Real Sphinx builds of a small notes site: citing, paper pages, changelog, feed, index.

Every test here reads the unchanged tests/roots/test-site/, so they share one build
(one per builder) through the app fixture of sphinx.testing."""

from __future__ import annotations

import re
import zlib
from io import StringIO
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from tests.helpers.html import text_of
from tests.helpers.sphinx import html, warnings_of

# Real Sphinx builds (slow), of the unchanged test site.
pytestmark = [pytest.mark.sphinx("html", testroot="site"), pytest.mark.slow]


@pytest.mark.sphinx(freshenv=True)  # every page read again: every warning shows
def test_builds_without_warnings(app: SphinxTestApp, warning: StringIO) -> None:
    app.build()
    assert warnings_of(warning) == ""


def test_every_bib_entry_gets_a_paper_page(app: SphinxTestApp) -> None:
    app.build()
    pages = sorted(path.stem for path in (Path(app.outdir) / "papers").glob("*.html"))
    assert pages == [
        "rafailov2023direct",
        "schulman2015trust",
        "schulman2017proximal",
        "sutton2018reinforcement",
    ]


def test_all_four_ways_of_citing_become_backlinks(app: SphinxTestApp) -> None:
    app.build()
    ppo = text_of(html(app, "papers/schulman2017proximal"))
    assert "Policy optimization › Proximal Policy Optimization (PPO) (note)" in ppo
    assert "Preference learning › Direct Preference Optimization (DPO) (link)" in ppo
    trpo = text_of(html(app, "papers/schulman2015trust"))
    assert "Proximal Policy Optimization (PPO) (citation)" in trpo  # the arxiv role
    book = text_of(html(app, "papers/sutton2018reinforcement"))
    assert "Direct Preference Optimization (DPO) (citation)" in book  # the cite role


def test_backlinks_point_at_the_citing_section(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "papers/schulman2017proximal"), "html.parser")
    hrefs = [a["href"] for a in soup.select("ul.paperrefs-backlinks a")]
    assert hrefs == [
        "../notes/policy.html#proximal-policy-optimization-ppo",
        "../notes/preferences.html#direct-preference-optimization-dpo",
    ]
    snippet = soup.select_one(".paperrefs-snippet")
    assert snippet is not None
    assert (
        snippet.get_text()
        == "clips the update instead of constraining it, as in Schulman et al., 2015"
    )


def test_versioned_id_links_that_version(app: SphinxTestApp) -> None:
    app.build()
    note = html(app, "notes/policy")
    assert 'href="https://arxiv.org/pdf/1707.06347v2"' in note
    assert "this note covers version 2" in text_of(note)
    assert "covers version 2" in text_of(html(app, "papers/schulman2017proximal"))


def test_paper_page_shows_metadata_bibtex_and_download(app: SphinxTestApp) -> None:
    app.build()
    page = html(app, "papers/rafailov2023direct")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.title is not None
    assert soup.title.get_text().startswith("Direct Preference")
    assert "Rafael Rafailov, Archit Sharma" in text_of(page)
    assert "2023 · arXiv:2305.18290 Journal reference: NeurIPS 2023" in text_of(page)
    assert soup.select_one("div.highlight-bibtex pre") is not None
    download = soup.select_one("a.download")
    assert download is not None
    target = Path(app.outdir) / "papers" / download["href"]
    assert target.read_text(encoding="utf-8").startswith("@misc{rafailov2023direct,")
    assert "copybutton.js" in page


def test_changelog_groups_by_day_newest_first(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "changelog"), "html.parser")
    days = [
        section.h2.get_text().rstrip("¶#") for section in soup.select("section.paperrefs-changelog")
    ]
    assert days == ["9 July 2024", "7 July 2024", "4 July 2024"]
    rows = {
        section["id"]: [li.a.get_text() for li in section.select("li")]
        for section in soup.select("section.paperrefs-changelog")
    }
    assert rows == {
        "changelog-2024-07-09": ["Proximal Policy Optimization (PPO)"],
        "changelog-2024-07-07": ["Direct Preference Optimization (DPO)"],
        "changelog-2024-07-04": [
            "Trust Region Policy Optimization (TRPO)",
            "Proximal Policy Optimization (PPO)",
        ],
    }


def test_feed_is_valid_atom_with_absolute_links(app: SphinxTestApp) -> None:
    app.build()
    feed = feedparser.parse((Path(app.outdir) / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    links = [entry.link for entry in feed.entries]
    assert (
        links[0] == "https://notes.example.org/notes/policy.html#proximal-policy-optimization-ppo"
    )
    assert all(link.startswith("https://notes.example.org/") for link in links)
    assert [entry.updated[:10] for entry in feed.entries] == [
        "2024-07-09",
        "2024-07-07",
        "2024-07-04",
        "2024-07-04",
    ]


def test_index_groups_papers_by_topic_and_links_notes(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "references"), "html.parser")
    groups = [
        section.h2.get_text().rstrip("¶#")
        for section in soup.select("section.paperrefs-index-group")
    ]
    assert groups == ["Policy optimization", "Preference learning", "Cited in passing"]
    first = soup.select_one("li.paperrefs-index-item")
    assert first is not None
    assert first.a["href"] == "papers/schulman2015trust.html"
    bib_link = soup.select_one(".paperrefs-bib-download a")
    assert bib_link is not None
    assert bib_link["href"] == "papers.bib"
    assert (Path(app.outdir) / "papers.bib").read_bytes() == (
        Path(app.srcdir) / "refs.bib"
    ).read_bytes()


def test_stats_are_computed(app: SphinxTestApp) -> None:
    app.build()
    assert "4 papers, 3 notes on 2 topic pages." in text_of(html(app, "index"))


def test_paper_pages_are_in_the_inventory(app: SphinxTestApp) -> None:
    app.build()
    raw = (Path(app.outdir) / "objects.inv").read_bytes()
    body = zlib.decompress(raw.split(b"\n", 4)[4]).decode("utf-8")
    assert re.search(
        r"^rafailov2023direct paperrefs:paper 1 papers/rafailov2023direct\.html ", body, re.M
    )


def test_paper_pages_stay_out_of_the_sidebar_but_are_searchable(app: SphinxTestApp) -> None:
    app.build()
    assert (
        "papers/" not in html(app, "notes/policy").split("<body", 1)[1].split("paperrefs-card")[0]
    )
    index = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    assert "papers/rafailov2023direct" in index


def with_builder(builder: str, **options: object) -> pytest.MarkDecorator:
    """A build of the site by ``builder``, in a copy of its own."""
    return pytest.mark.sphinx(builder, testroot="site", srcdir=f"site-{builder}", **options)


@pytest.mark.parametrize(
    "builder",
    [
        pytest.param(builder, marks=with_builder(builder, freshenv=True), id=builder)
        for builder in ["dirhtml", "latex", "epub", "text"]
    ],
)
def test_other_builders_work_warning_free(
    app: SphinxTestApp, warning: StringIO, builder: str
) -> None:
    assert app.builder.name == builder
    app.build()
    assert warnings_of(warning) == ""


@with_builder("dirhtml")
def test_dirhtml_links_are_right(app: SphinxTestApp) -> None:
    app.build()
    page = (Path(app.outdir) / "papers" / "schulman2017proximal" / "index.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    hrefs = [a["href"] for a in soup.select("ul.paperrefs-backlinks a")]
    assert hrefs[0] == "../../notes/policy/#proximal-policy-optimization-ppo"
    feed = feedparser.parse((Path(app.outdir) / "feed.xml").read_bytes())
    assert feed.entries[0].link == (
        "https://notes.example.org/notes/policy/#proximal-policy-optimization-ppo"
    )
