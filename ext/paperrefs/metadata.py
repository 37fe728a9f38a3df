"""What paperrefs knows about a paper, independent of where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from paperrefs.ids import ArxivId


@dataclass(frozen=True)
class PaperMetadata:
    """One paper as arXiv describes it. All text is plain Unicode, whitespace collapsed.

    ``arxiv_id`` carries the version arXiv returned. ``doi`` is the publisher's DOI when
    the authors gave one (arXiv's own DOI is derived from the ID), ``journal_ref`` the
    free-text venue the authors gave.
    """

    arxiv_id: ArxivId
    title: str
    authors: tuple[str, ...]
    primary_category: str
    abstract: str = ""
    published: str = ""  # ISO date of version 1
    updated: str = ""  # ISO date of the returned version
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
