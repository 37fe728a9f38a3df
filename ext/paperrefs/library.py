"""The bibliography as readers see it: plain-text display records for every entry.

Sphinx-free. Every value is converted from LaTeX once, here (see :mod:`paperrefs.text`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path

from paperrefs.bibfile import BibEntry, KeyIndex, read_bib
from paperrefs.ids import ArxivId, Doi, normalize_doi
from paperrefs.names import parse_bibtex
from paperrefs.text import is_web_url, latex_to_text, page_slug, tex_to_plain

_AUTHOR_SPLIT = re.compile(r"\s+and\s+", re.IGNORECASE)
# Only the paper's own page shows the entry's text; its line is where warnings point. The
# recorded version shows elsewhere only beside the version a note covers, and a document
# that shows it depends on it alone (``version_token``): ``update --apply`` of a new version
# then re-reads no page that shows the paper without one.
_NOT_SHOWN_ELSEWHERE = frozenset({"bibtex", "line", "version"})


@dataclass(frozen=True)
class Paper:
    """One bibliography entry, ready for display.

    ``title`` and ``abstract`` are text that may hold inline TeX math (``$\\omega$Test``),
    as the bib's value reads once its escapes are undone: pages render that math, and
    everything that needs plain text uses ``display_title`` and ``plain_abstract``.
    """

    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]
    year: str
    venue: str
    arxiv_id: ArxivId | None
    url: str | None
    doi: str | None
    bibtex: str
    line: int
    aliases: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()  # of ``authors``, in order, particles included
    version: int | None = None  # the arXiv version the entry was made from, when recorded
    category: str = ""  # arXiv's primary category ("cs.LG"), when the entry names one
    abstract: str = ""
    et_al: bool = False  # the author list ends in BibTeX's "and others"

    def older_than_recorded(self, covered: int | None) -> bool:
        """Whether a note covering version ``covered`` predates the entry's version."""
        return covered is not None and self.version is not None and covered < self.version

    @property
    def slug(self) -> str:
        return page_slug(self.key)

    @property
    def short_authors(self) -> str:
        """ "Rafailov et al.", "Ho and Ermon", "Ha" — the way citations name authors."""
        names = self.surnames
        if not names:
            return "Anonymous"
        if self.et_al:
            return f"{names[0]} et al."
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."

    @property
    def short_citation(self) -> str:
        return f"{self.short_authors}, {self.year}" if self.year else self.short_authors

    @cached_property  # read as TeX, which is slow, for every link and preview of the paper
    def display_title(self) -> str:
        """The title as plain text, its math read as Unicode: for feeds, tooltips, search."""
        return tex_to_plain(self.title) or "(untitled)"

    @property
    def tex_title(self) -> str:
        """The title with its inline math, for pages that render math."""
        return self.title if self.display_title != "(untitled)" else "(untitled)"

    @cached_property
    def plain_abstract(self) -> str:
        return tex_to_plain(self.abstract)

    @property
    def author_list(self) -> str:
        """Every author, "et al." closing a list that ends in "and others"."""
        return ", ".join(self.authors) + (", et al." if self.et_al and self.authors else "")

    @property
    def abs_url(self) -> str | None:
        if self.arxiv_id:
            return self.arxiv_id.abs_url
        return self.url

    @property
    def pdf_url(self) -> str | None:
        return self.arxiv_id.pdf_url if self.arxiv_id else None

    @property
    def published_doi(self) -> str | None:
        """The publisher's DOI of an arXiv paper; None for arXiv's own or for no DOI."""
        if not (self.arxiv_id and self.doi) or Doi(self.doi) == Doi(self.arxiv_id.doi):
            return None
        return self.doi

    @property
    def doi_url(self) -> str | None:
        return Doi(self.doi).url if self.doi else None

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything in the entry changes: the paper's own page shows it all."""
        return hashlib.sha256(self.bibtex.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def shown_digest(self) -> str:
        """Changes whenever what other pages show of the paper changes (its card, a short
        citation, a tooltip): every display value, but not the entry's text, so a page
        that cards a paper is not rewritten for a volume or page range it does not show."""
        shown = [
            (item.name, getattr(self, item.name))
            for item in fields(self)
            if item.name not in _NOT_SHOWN_ELSEWHERE
        ]
        return hashlib.sha256(repr(shown).encode("utf-8")).hexdigest()[:16]


class Library:
    """All papers of one bib file, by key (case-insensitive, aliases too) and arXiv ID."""

    def __init__(self, entries: Iterable[BibEntry], previous: Library | None = None) -> None:
        """``previous``: a library of an earlier reading, whose papers stand for entries of
        the same text (each display value is a function of the entry's text)."""
        entries = list(entries)
        known = previous.papers if previous is not None else {}
        self.papers: dict[str, Paper] = {}
        for entry in entries:
            paper = known.get(entry.key)
            if paper is None or paper.bibtex != entry.text:
                paper = paper_from_entry(entry)
            elif paper.line != entry.line:
                paper = replace(paper, line=entry.line)
            self.papers[paper.key] = paper
        self._index = KeyIndex(entries)

    @classmethod
    def load(cls, path: Path) -> Library:
        return cls(read_bib(path).entries)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers.values())

    def __len__(self) -> int:
        return len(self.papers)

    def by_key(self, key: str) -> Paper | None:
        entry = self._index.by_key(key)
        return self.papers[entry.key] if entry else None

    def by_arxiv(self, arxiv_id: ArxivId) -> Paper | None:
        entry = self._index.by_arxiv(arxiv_id)
        return self.papers[entry.key] if entry else None

    def by_doi(self, doi: Doi) -> Paper | None:
        entry = self._index.by_doi(doi)
        return self.papers[entry.key] if entry else None

    def shown_digests(self) -> dict[str, str]:
        return {key: paper.shown_digest for key, paper in self.papers.items()}


def paper_from_entry(entry: BibEntry) -> Paper:
    fields = entry.fields
    written = [name.strip() for name in _AUTHOR_SPLIT.split(fields.get("author", ""))]
    # BibTeX's own spelling of "and more authors": the bare word, lower-case, at the end.
    et_al = len(written) > 1 and written[-1] == "others"
    names = [parse_bibtex(name) for name in (written[:-1] if et_al else written) if name]
    shown = [(latex_to_text(name.display), latex_to_text(name.surname)) for name in names]
    shown = [(display, surname) for display, surname in shown if display]
    url = fields.get("url", "").strip()
    doi = fields.get("doi", "").strip()
    return Paper(
        key=entry.key,
        entry_type=entry.entry_type,
        title=latex_to_text(fields.get("title", "")),
        authors=tuple(display for display, _ in shown),
        surnames=tuple(surname for _, surname in shown),
        year=latex_to_text(fields.get("year", "")),
        venue=_venue(fields),
        arxiv_id=entry.arxiv_id,
        url=url if is_web_url(url) else None,
        doi=normalize_doi(doi) or None,
        bibtex=entry.text,
        line=entry.line,
        aliases=tuple(entry.aliases),
        version=_version(fields.get("version", "")),
        category=_category(fields.get("primaryclass", "")),
        abstract=latex_to_text(fields.get("abstract", "")),
        et_al=et_al,
    )


def _version(value: str) -> int | None:
    value = value.strip().lstrip("vV")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _category(value: str) -> str:
    """An arXiv category as readers and class names can hold it, or "" for anything else."""
    value = value.strip()
    return value if re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", value) else ""


def _venue(fields: Mapping[str, str]) -> str:
    for name in ("journal", "booktitle", "note", "howpublished", "publisher"):
        if value := fields.get(name):
            return latex_to_text(value)
    return ""
