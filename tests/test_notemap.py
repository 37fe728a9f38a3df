"""The map of the notes: topics, their citing sections and the papers each cites."""

from __future__ import annotations

from paperrefs.notemap import MapSection, MapTopic, mapped_papers, note_map
from paperrefs.records import Citation, CitationKind, Note, Place, derive_views

ORDER = {"index": 0, "notes/policy": 1, "notes/preferences": 2}


def at(docname: str, section: str, line: int) -> Place:
    return Place(docname, section, section.upper(), line, "")


def test_the_map_follows_reading_order_and_marks_the_paper_each_note_is_about() -> None:
    trpo = at("notes/policy", "trpo", 3)
    ppo = at("notes/policy", "ppo", 10)
    dpo = at("notes/preferences", "dpo", 2)
    notes = [
        [Note(trpo, "trpo", "1502.05477", None, "", ()), Note(ppo, "ppo", "x", None, "", ())],
        [Note(dpo, "dpo", "y", None, "", ())],
    ]
    citations = [
        [
            Citation(trpo, "trpo", CitationKind.NOTE),
            Citation(ppo, "ppo", CitationKind.NOTE),
            Citation(at("notes/policy", "ppo", 12), "trpo", CitationKind.ARXIV),
            Citation(at("notes/policy", "ppo", 14), "trpo", CitationKind.LINK),  # once
        ],
        [
            Citation(at("notes/preferences", "dpo", 5), "sutton", CitationKind.CITE),
            Citation(dpo, "dpo", CitationKind.NOTE),
            Citation(at("notes/preferences", "", 1), "ppo", CitationKind.LINK),
        ],
    ]
    topics = note_map(derive_views(notes, citations, ORDER))
    assert topics == [
        MapTopic(
            "notes/policy",
            (MapSection(trpo, "trpo", ("trpo",)), MapSection(ppo, "ppo", ("ppo", "trpo"))),
        ),
        MapTopic(
            "notes/preferences",
            (
                MapSection(at("notes/preferences", "", 1), "", ("ppo",)),
                MapSection(dpo, "dpo", ("dpo", "sutton")),
            ),
        ),
    ]
    assert mapped_papers(topics) == ["trpo", "ppo", "dpo", "sutton"]


def test_no_citations_make_an_empty_map() -> None:
    assert note_map(derive_views([], [], ORDER)) == []
