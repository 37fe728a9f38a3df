"""What one document contributes (notes and citations, as small picklable records), and
the cross-document views derived from every document's records.

Sphinx-free: the build collects the records, this module knows what they mean together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# A paper page lists at most this many papers read with it.
RELATED_LIMIT = 5


class CitationKind(StrEnum):
    """The four ways a note cites a paper."""

    NOTE = "note"  # the paper directive: the note is about this paper
    ARXIV = "arxiv"  # the arxiv role
    LINK = "link"  # a plain link to an arXiv page
    CITE = "cite"  # sphinxcontrib-bibtex's cite roles, by key


class Action(StrEnum):
    """What happened to a note on a changelog date."""

    ADDED = "added"
    UPDATED = "updated"


@dataclass(frozen=True)
class Place:
    """A section of a note page: where a note lives or a citation stands."""

    docname: str
    anchor: str  # the section's HTML id; "" when the citation precedes every heading
    heading: str
    line: int
    snippet: str


@dataclass(frozen=True)
class Note:
    """A ``paper`` directive: the note about one paper, with its dates."""

    place: Place
    key: str  # "" when the paper is not in the bibliography
    given: str  # the argument as the author wrote it, normalized
    version: int | None
    added: str  # ISO date; "" when missing or invalid (already warned)
    updated: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """Any way of citing a resolved paper."""

    place: Place
    key: str
    kind: CitationKind
    version: int | None = None


@dataclass(frozen=True)
class ChangelogItem:
    date: str
    action: Action
    note: Note


@dataclass(frozen=True)
class Related:
    """A paper read with another: how many sections of the notes cite both."""

    key: str
    shared: int


@dataclass(frozen=True)
class Views:
    """Cross-document views, derived from every document's records."""

    backlinks: dict[str, list[Citation]]  # key -> every citation of it, in reading order
    notes_by_key: dict[str, list[Note]]
    changelog: list[ChangelogItem]  # newest first
    doc_order: dict[str, int]
    related: dict[str, list[Related]]  # key -> the papers most often cited beside it
    topics: dict[str, list[str]]  # page holding notes -> every key its page cites, sorted


def section_of(place: Place) -> tuple[str, str]:
    """The section a place stands in: a note, for citing purposes, is one section."""
    return (place.docname, place.anchor)


def related_papers(
    backlinks: Mapping[str, Iterable[Citation]], limit: int = RELATED_LIMIT
) -> dict[str, list[Related]]:
    """For each paper, the papers cited in the same sections most often.

    Ranked by how many sections cite both, then by key, so that equal counts come out in
    the same order on every build; a paper is never related to itself.
    """
    keys_by_section: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, cited in backlinks.items():
        for citation in cited:
            keys_by_section[section_of(citation.place)].add(key)
    shared: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for keys in keys_by_section.values():
        for key in keys:
            for other in keys - {key}:
                shared[key][other] += 1
    return {
        key: [
            Related(other, count)
            for other, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        ]
        for key, counts in sorted(shared.items())
    }


def derive_views(
    notes: Iterable[Iterable[Note]],
    citations: Iterable[Iterable[Citation]],
    doc_order: Mapping[str, int],
) -> Views:
    """Backlinks, notes by paper and the changelog, ordered by the site's reading order."""

    def position(place: Place) -> tuple[int, str, int]:
        return (doc_order.get(place.docname, len(doc_order)), place.docname, place.line)

    backlinks: dict[str, list[Citation]] = defaultdict(list)
    for document_citations in citations:
        for citation in document_citations:
            backlinks[citation.key].append(citation)
    notes_by_key: dict[str, list[Note]] = defaultdict(list)
    changelog: list[ChangelogItem] = []
    # A topic is a page holding notes; a page that only cites papers is not one.
    topics: dict[str, set[str]] = {}
    for document_notes in notes:
        for note in document_notes:
            topics.setdefault(note.place.docname, set())
            if note.key:
                notes_by_key[note.key].append(note)
            if note.added:
                changelog.append(ChangelogItem(note.added, Action.ADDED, note))
            changelog.extend(ChangelogItem(day, Action.UPDATED, note) for day in note.updated)
    for cited in backlinks.values():
        cited.sort(key=lambda citation: position(citation.place))
    for keyed in notes_by_key.values():
        keyed.sort(key=lambda note: position(note.place))
    # Newest first; within a day, in reading order of the site.
    changelog.sort(key=lambda item: position(item.note.place))
    changelog.sort(key=lambda item: item.date, reverse=True)
    for key, cited in backlinks.items():
        for citation in cited:
            if citation.place.docname in topics:
                topics[citation.place.docname].add(key)
    return Views(
        backlinks=dict(backlinks),
        notes_by_key=dict(notes_by_key),
        changelog=changelog,
        doc_order=dict(doc_order),
        related=related_papers(backlinks),
        topics={doc: sorted(keys) for doc, keys in sorted(topics.items())},
    )
