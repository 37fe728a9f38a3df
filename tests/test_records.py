"""The cross-document views derived from every document's notes and citations."""

from __future__ import annotations

from paperrefs.records import (
    RELATED_LIMIT,
    Action,
    ChangelogItem,
    Citation,
    CitationKind,
    Note,
    Place,
    Related,
    derive_views,
)

ORDER = {"index": 0, "notes/policy": 1, "notes/preferences": 2, "changelog": 3}


def place(docname: str, line: int, anchor: str = "") -> Place:
    return Place(docname, anchor, anchor.upper(), line, f"{docname}:{line}")


def note(docname: str, line: int, key: str, added: str = "", updated: tuple[str, ...] = ()) -> Note:
    return Note(place(docname, line, f"s{line}"), key, key or "2401.00001", None, added, updated)


def cite(docname: str, line: int, key: str, kind: CitationKind = CitationKind.CITE) -> Citation:
    return Citation(place(docname, line), key, kind)


def where(citations: list[Citation]) -> list[tuple[str, int]]:
    return [(citation.place.docname, citation.place.line) for citation in citations]


def test_backlinks_follow_the_reading_order_of_documents_then_lines() -> None:
    citations = [
        [cite("notes/preferences", 3, "ppo"), cite("notes/preferences", 1, "ppo")],
        [cite("notes/policy", 20, "ppo", CitationKind.NOTE), cite("notes/policy", 5, "trpo")],
        [cite("index", 9, "ppo", CitationKind.LINK)],
    ]
    views = derive_views([], citations, ORDER)
    assert where(views.backlinks["ppo"]) == [
        ("index", 9),
        ("notes/policy", 20),
        ("notes/preferences", 1),
        ("notes/preferences", 3),
    ]
    assert [citation.kind for citation in views.backlinks["ppo"]] == [
        CitationKind.LINK,
        CitationKind.NOTE,
        CitationKind.CITE,
        CitationKind.CITE,
    ]
    assert where(views.backlinks["trpo"]) == [("notes/policy", 5)]
    assert sorted(views.backlinks) == ["ppo", "trpo"]


def test_documents_outside_the_toctree_come_last_in_name_order() -> None:
    citations = [[cite("zzz", 1, "k"), cite("orphan", 2, "k"), cite("changelog", 7, "k")]]
    views = derive_views([], citations, ORDER)
    assert where(views.backlinks["k"]) == [("changelog", 7), ("orphan", 2), ("zzz", 1)]


def test_notes_are_grouped_by_key_in_reading_order_and_notes_without_a_key_are_left_out() -> None:
    notes = [
        [note("notes/preferences", 4, "dpo", "2024-07-07")],
        [note("notes/policy", 30, "dpo", "2024-07-01"), note("notes/policy", 8, "ppo")],
        [note("notes/policy", 12, "", "2024-07-02")],
    ]
    views = derive_views(notes, [], ORDER)
    assert sorted(views.notes_by_key) == ["dpo", "ppo"]
    assert [(n.place.docname, n.place.line) for n in views.notes_by_key["dpo"]] == [
        ("notes/policy", 30),
        ("notes/preferences", 4),
    ]
    assert [n.place.line for n in views.notes_by_key["ppo"]] == [8]


def test_the_changelog_is_newest_first_and_in_reading_order_within_a_day() -> None:
    trpo = note("notes/policy", 3, "trpo", "2024-07-04")
    ppo = note("notes/policy", 9, "ppo", "2024-07-04", ("2024-07-09",))
    dpo = note("notes/preferences", 2, "dpo", "2024-07-07")
    views = derive_views([[dpo], [ppo, trpo]], [], ORDER)
    assert views.changelog == [
        ChangelogItem("2024-07-09", Action.UPDATED, ppo),
        ChangelogItem("2024-07-07", Action.ADDED, dpo),
        ChangelogItem("2024-07-04", Action.ADDED, trpo),
        ChangelogItem("2024-07-04", Action.ADDED, ppo),
    ]


def test_every_update_of_a_note_is_its_own_changelog_item() -> None:
    ppo = note("notes/policy", 9, "ppo", "2024-07-04", ("2024-08-01", "2024-09-15"))
    views = derive_views([[ppo]], [], ORDER)
    assert [(item.date, item.action) for item in views.changelog] == [
        ("2024-09-15", Action.UPDATED),
        ("2024-08-01", Action.UPDATED),
        ("2024-07-04", Action.ADDED),
    ]


def test_an_update_and_an_addition_on_the_same_day_keep_reading_order() -> None:
    first = note("notes/policy", 3, "trpo", "2024-07-01", ("2024-07-09",))
    second = note("notes/preferences", 2, "dpo", "2024-07-09")
    views = derive_views([[second], [first]], [], ORDER)
    assert views.changelog[:2] == [
        ChangelogItem("2024-07-09", Action.UPDATED, first),
        ChangelogItem("2024-07-09", Action.ADDED, second),
    ]


def test_undated_notes_show_only_their_updates_and_unresolved_notes_still_show() -> None:
    undated = note("notes/policy", 3, "trpo", "", ("2024-07-09",))
    unresolved = note("notes/policy", 5, "", "2024-07-05")
    views = derive_views([[undated, unresolved]], [], ORDER)
    assert views.changelog == [
        ChangelogItem("2024-07-09", Action.UPDATED, undated),
        ChangelogItem("2024-07-05", Action.ADDED, unresolved),
    ]


def test_no_records_give_empty_views_that_keep_the_document_order() -> None:
    views = derive_views([], [], ORDER)
    assert views.backlinks == {}
    assert views.notes_by_key == {}
    assert views.changelog == []
    assert views.doc_order == ORDER
    assert views.doc_order is not ORDER


def cited_in(section: str, *keys: str, docname: str = "notes/policy") -> list[Citation]:
    return [
        Citation(Place(docname, section, section, line, ""), key, CitationKind.ARXIV)
        for line, key in enumerate(keys, start=1)
    ]


def test_papers_read_with_a_paper_are_ranked_by_how_many_sections_cite_both() -> None:
    citations = [
        cited_in("a", "ppo", "trpo", "dpo")
        + cited_in("b", "ppo", "trpo")
        + cited_in("c", "ppo", "trpo", "ppo"),  # twice in one section counts once
        cited_in("a", "ppo", "dpo", docname="notes/preferences"),
    ]
    views = derive_views([], citations, ORDER)
    assert views.related["ppo"] == [Related("trpo", 3), Related("dpo", 2)]
    assert views.related["dpo"] == [Related("ppo", 2), Related("trpo", 1)]
    assert views.related["trpo"] == [Related("ppo", 3), Related("dpo", 1)]


def test_equal_counts_come_in_key_order_and_a_paper_is_never_read_with_itself() -> None:
    citations = [cited_in("a", "k", "zeta", "alpha", "mid", "k")]
    views = derive_views([], citations, ORDER)
    assert views.related["k"] == [Related("alpha", 1), Related("mid", 1), Related("zeta", 1)]
    assert all(related.key != key for key, rows in views.related.items() for related in rows)


def test_a_paper_page_lists_a_handful_of_papers_at_most() -> None:
    keys = [f"p{number:02}" for number in range(12)]
    citations = [cited_in("a", *keys), cited_in("b", "p00", "p11")]
    related = derive_views([], citations, ORDER).related
    assert len(related["p00"]) == RELATED_LIMIT
    assert related["p00"][0] == Related("p11", 2)
    assert [row.key for row in related["p00"][1:]] == ["p01", "p02", "p03", "p04"]


def test_a_paper_cited_alone_has_no_related_papers() -> None:
    views = derive_views([], [cited_in("a", "alone"), cited_in("b", "x", "y")], ORDER)
    assert "alone" not in views.related


def test_topics_are_the_pages_holding_notes_with_every_key_they_cite() -> None:
    notes = [[note("notes/policy", 1, "trpo")], [note("notes/preferences", 2, "")]]
    citations = [
        [cite("notes/policy", 1, "trpo", CitationKind.NOTE), cite("notes/policy", 5, "ppo")],
        [cite("index", 3, "dpo")],  # a page that only cites is no topic
    ]
    views = derive_views(notes, citations, ORDER)
    assert views.topics == {"notes/policy": ["ppo", "trpo"], "notes/preferences": []}
