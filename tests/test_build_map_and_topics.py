"""Real Sphinx builds of tests/roots/test-site: the papers read with each paper, each topic
page's own feed and bib, and the map of the notes on the references page."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from paperrefs.bibfile import read_bib
from sphinx.testing.util import SphinxTestApp

from tests.helpers.html import text_of
from tests.helpers.sphinx import html

pytestmark = [pytest.mark.sphinx("html", testroot="site"), pytest.mark.slow]

GRAPH_SCRIPTS = ["_static/force-graph/force-graph.min.js", "_static/paperrefs-graph.js"]


def test_a_paper_page_lists_the_papers_cited_beside_it(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "papers/schulman2017proximal"), "html.parser")
    rows = soup.select("#read-with ul.paperrefs-related > li")
    # PPO's note cites TRPO; DPO's note links to PPO and cites Sutton and Barto: one each,
    # so the three come in key order.
    assert [row.a["href"] for row in rows] == [
        "rafailov2023direct.html",
        "schulman2015trust.html",
        "sutton2018reinforcement.html",
    ]
    assert "Schulman et al., 2015 · cited together in 1 note" in rows[1].get_text()
    assert "trpo" not in text_of(html(app, "papers/sutton2018reinforcement")).lower()


def test_a_topic_page_links_its_own_feed_in_its_head_and_on_the_page(
    app: SphinxTestApp,
) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "notes/policy"), "html.parser")
    alternates = {
        link["title"]: link["href"]
        for link in soup.select('head link[rel=alternate][type="application/atom+xml"]')
    }
    assert alternates["Test notes  documentation: Policy optimization"] == (
        "../topics/notes/policy.xml"
    )
    assert alternates["Test notes  documentation: new notes"] == "../feed.xml"
    links = soup.select("p.paperrefs-topic-links a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Atom feed of this topic", "../topics/notes/policy.xml"),
        ("BibTeX of the 2 papers cited here", "../topics/notes/policy.bib"),
    ]
    # Pages without notes are no topics: neither the links nor a second feed in the head.
    changelog = BeautifulSoup(html(app, "changelog"), "html.parser")
    assert changelog.select("p.paperrefs-topic-links") == []
    assert len(changelog.select("head link[rel=alternate]")) == 1


def test_a_topic_feed_holds_only_that_topics_notes(app: SphinxTestApp) -> None:
    app.build()
    feed = feedparser.parse((Path(app.outdir) / "topics/notes/policy.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Test notes  documentation: Policy optimization"
    assert feed.feed.link == "https://notes.example.org/notes/policy.html"
    assert [(entry.title, entry.updated[:10]) for entry in feed.entries] == [
        ("Proximal Policy Optimization (PPO) (updated)", "2024-07-09"),
        ("Trust Region Policy Optimization (TRPO)", "2024-07-04"),
        ("Proximal Policy Optimization (PPO)", "2024-07-04"),
    ]
    assert all("notes/policy.html#" in entry.link for entry in feed.entries)


def test_a_topic_bib_holds_the_entries_its_notes_cite_as_the_bib_writes_them(
    app: SphinxTestApp,
) -> None:
    app.build()
    outdir, srcdir = Path(app.outdir), Path(app.srcdir)
    written = (outdir / "topics/notes/preferences.bib").read_text(encoding="utf-8")
    entries = {entry.key: entry.text for entry in read_bib(srcdir / "refs.bib").entries}
    keys = ["rafailov2023direct", "schulman2017proximal", "sutton2018reinforcement"]
    assert written == "\n".join(entries[key].rstrip("\n") + "\n" for key in keys)
    assert [entry.key for entry in read_bib(outdir / "topics/notes/preferences.bib").entries] == (
        keys
    )


def test_the_map_lists_topics_notes_and_papers_as_links(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "references"), "html.parser")
    graph = soup.select_one("div.paperrefs-graph > ul.paperrefs-graph-list")
    assert graph is not None
    topics = graph.select(":scope > li.paperrefs-graph-topic")
    assert [topic.p.a["href"] for topic in topics] == [
        "notes/policy.html",
        "notes/preferences.html",
    ]
    notes = topics[0].select("li.paperrefs-graph-note")
    assert [note.p.a["href"] for note in notes] == [
        "notes/policy.html#trust-region-policy-optimization-trpo",
        "notes/policy.html#proximal-policy-optimization-ppo",
    ]
    ppo_note = [
        (paper.p.a["href"], "paperrefs-graph-about" in paper["class"])
        for paper in notes[1].select("li.paperrefs-graph-paper")
    ]
    assert ppo_note == [
        ("papers/schulman2017proximal.html", True),
        ("papers/schulman2015trust.html", False),
    ]
    papers = {a["href"] for a in graph.select("li.paperrefs-graph-paper > p > a")}
    assert len(papers) == 4


def scripts_of(app: SphinxTestApp, page: str) -> list[str]:
    soup = BeautifulSoup(html(app, page), "html.parser")
    prefix = "../" * page.count("/")
    # Sphinx adds a ?v= checksum to its static files.
    return [
        str(tag["src"]).removeprefix(prefix).split("?")[0] for tag in soup.select("script[src]")
    ]


def test_the_maps_scripts_load_only_on_the_page_holding_the_map(app: SphinxTestApp) -> None:
    app.build()
    scripts = scripts_of(app, "references")
    assert [script for script in scripts if script in GRAPH_SCRIPTS] == GRAPH_SCRIPTS
    for page in ("index", "notes/policy", "changelog", "papers/schulman2015trust"):
        assert not set(GRAPH_SCRIPTS) & set(scripts_of(app, page)), page
    for script in GRAPH_SCRIPTS:
        assert (Path(app.outdir) / script).is_file()


def test_the_map_lists_every_cited_paper_once_per_citing_note(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup(html(app, "references"), "html.parser")
    rows = [
        json.dumps([li.find_parent("li").p.a["href"], li.p.a["href"]])
        for li in soup.select("li.paperrefs-graph-paper")
    ]
    assert len(rows) == len(set(rows))


@pytest.mark.sphinx("dirhtml", testroot="site", srcdir="site-dirhtml-topics")
def test_under_dirhtml_a_topic_links_its_files_from_its_folder(app: SphinxTestApp) -> None:
    app.build()
    outdir = Path(app.outdir)
    page = (outdir / "notes" / "policy" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    hrefs = [a["href"] for a in soup.select("p.paperrefs-topic-links a")]
    assert hrefs == ["../../topics/notes/policy.xml", "../../topics/notes/policy.bib"]
    assert all((outdir / "notes" / "policy" / href).resolve().is_file() for href in hrefs)
    feed = feedparser.parse((outdir / "topics/notes/policy.xml").read_bytes())
    assert feed.feed.link == "https://notes.example.org/notes/policy/"
