"""The real site: the seed's notes come out by date, by paper and by topic."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from paperrefs.ids import InvalidArxivId, parse_arxiv_id
from paperrefs.library import Library, Paper

from tests.helpers.html import soup
from tests.helpers.paths import REPO
from tests.helpers.seed_notes import seed_notes

pytestmark = pytest.mark.slow  # reads the real site, built once per session

SEED_NOTES = seed_notes()

LIBRARY = Library.load(REPO / "bib" / "papers.bib")


@pytest.fixture
def built(site_html: Path) -> Path:
    return site_html


def paper_of(reference: str) -> Paper:
    try:
        paper = LIBRARY.by_arxiv(parse_arxiv_id(reference))
    except InvalidArxivId:
        paper = LIBRARY.by_key(reference)
    assert paper is not None, reference
    return paper


def test_the_changelog_shows_the_seed_dates_with_their_papers(built: Path) -> None:
    expected: defaultdict[str, set[str]] = defaultdict(set)
    for note in SEED_NOTES:
        expected[note.date].add(paper_of(note.key).key)
    by_title = {paper.display_title: paper.key for paper in LIBRARY}
    shown = {
        section["id"].removeprefix("changelog-"): {
            by_title[row.get_text()] for row in section.select("li em")
        }
        for section in soup(built / "changelog.html").select("section.paperrefs-changelog")
    }
    assert shown == dict(expected)
    assert sorted(shown, reverse=True) == [
        "2024-07-11",
        "2024-07-10",
        "2024-07-09",
        "2024-07-08",
        "2024-07-07",
        "2024-07-04",
    ]


def test_every_paper_page_lists_the_notes_citing_it(built: Path) -> None:
    homes = {paper_of(note.key).key for note in SEED_NOTES}
    for paper in LIBRARY:
        page = soup(built / "papers" / f"{paper.slug}.html")
        links = [a["href"] for a in page.select("ul.paperrefs-backlinks a")]
        assert links, f"{paper.key} has no 'cited in' entry"
        assert all(link.startswith("../notes/") for link in links), paper.key
        kinds = page.select_one("ul.paperrefs-backlinks").get_text()
        if paper.key in homes:
            assert "(note" in kinds, paper.key


def test_the_landing_page_counts_papers_and_notes(built: Path) -> None:
    stats = soup(built / "index.html").select_one(".paperrefs-stats")
    assert stats is not None
    assert stats.get_text() == f"{len(LIBRARY)} papers, {len(SEED_NOTES)} notes on 7 topic pages."
