"""What one document contributes: its notes and citations, as small picklable records."""

from __future__ import annotations

from dataclasses import dataclass


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
    """Any way of citing a resolved paper: note, arxiv role, arXiv link, cite role."""

    place: Place
    key: str
    kind: str  # "note", "arxiv", "link" or "cite"
    version: int | None = None


@dataclass(frozen=True)
class ChangelogItem:
    date: str
    action: str  # "added" or "updated"
    note: Note
