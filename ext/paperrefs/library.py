"""The bibliography as readers see it: plain-text display records for every entry.

Sphinx-free. Field values in the bib are LaTeX; pages, tooltips and feeds need text,
so every value is converted once here and only ever leaves as text (never markup).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote, urlsplit

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from paperrefs.bibfile import BibEntry, read_bib
from paperrefs.ids import ArxivId, InvalidArxivId, parse_arxiv_id


def _converter() -> LatexNodes2Text:
    """pylatexenc, taught the literal-character macros the entry writer uses.

    Out of the box it drops ``\\textbraceleft{}`` and turns ``\\textasciicircum{}`` into a
    modifier letter, so a title with braces or a caret would not read back as written.
    """
    context = get_default_latex_context_db()
    literals = {"textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^"}
    context.add_context_category(
        "paperrefs-literals",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in literals.items()],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


_LATEX = _converter()
_SPACES = re.compile(r"\s+")
_AUTHOR_SPLIT = re.compile(r"\s+and\s+", re.IGNORECASE)
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


# Anything pylatexenc would turn into something else than itself: macros, math, specials,
# ligatures (``--``, ``''``, ``?` ``). Braces alone only group, so they are simply dropped.
_NEEDS_LATEX = re.compile(r"[\\$%&#^_~`]|--|''")


def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into one line of plain text."""
    # pylatexenc costs about a millisecond a value, on every build: at 10,000 entries that
    # was half a minute before even a no-op build could start. Most values are plain text.
    if not _NEEDS_LATEX.search(value) and _balanced(value):
        return _SPACES.sub(" ", value.replace("{", "").replace("}", "")).strip()
    try:
        text = _LATEX.latex_to_text(value)
    except Exception:  # pylatexenc raises assorted errors on odd input; keep the raw value
        text = value
    return _SPACES.sub(" ", text).strip()


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        if char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def is_web_url(url: str) -> bool:
    """Only http(s) URLs ever become links; ``javascript:``, ``data:``, ``file:`` never do."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def page_slug(key: str) -> str:
    """File-system and URL safe name of a paper's page (keys may hold ``:`` or ``/``)."""
    return _SLUG_UNSAFE.sub("-", key)


def split_name(name: str) -> tuple[str, str]:
    """(given names, surname) of a "First Last" or "Last, First" BibTeX name."""
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    parts = name.rsplit(" ", 1)
    return ("", parts[0]) if len(parts) == 1 else (parts[0], parts[1])


@dataclass(frozen=True)
class Paper:
    """One bibliography entry, ready for display."""

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

    @property
    def slug(self) -> str:
        return page_slug(self.key)

    @property
    def surnames(self) -> tuple[str, ...]:
        return tuple(split_name(author)[1] for author in self.authors)

    @property
    def short_authors(self) -> str:
        """ "Rafailov et al.", "Ho and Ermon", "Ha" — the way citations name authors."""
        names = self.surnames
        if not names:
            return "Anonymous"
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."

    @property
    def short_citation(self) -> str:
        return f"{self.short_authors}, {self.year}" if self.year else self.short_authors

    @property
    def display_title(self) -> str:
        return self.title or "(untitled)"

    @property
    def abs_url(self) -> str | None:
        if self.arxiv_id:
            return self.arxiv_id.abs_url
        return self.url

    @property
    def pdf_url(self) -> str | None:
        return self.arxiv_id.pdf_url if self.arxiv_id else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{quote(self.doi, safe='/:;()._-')}" if self.doi else None

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything a page shows about this paper changes."""
        return hashlib.sha256(self.bibtex.encode("utf-8")).hexdigest()[:16]


class Library:
    """All papers of one bib file, by key (case-insensitive, aliases too) and arXiv ID."""

    def __init__(self, entries: Iterable[BibEntry]) -> None:
        self.papers: dict[str, Paper] = {}
        self._lookup: dict[str, str] = {}
        self._by_arxiv: dict[str, str] = {}
        for entry in entries:
            paper = paper_from_entry(entry)
            self.papers[paper.key] = paper
            self._lookup[paper.key.lower()] = paper.key
            for alias in entry.aliases:
                self._lookup.setdefault(alias.lower(), paper.key)
            if paper.arxiv_id:
                self._by_arxiv.setdefault(paper.arxiv_id.base, paper.key)

    @classmethod
    def load(cls, path: Path) -> Library:
        return cls(read_bib(path).entries)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers.values())

    def __len__(self) -> int:
        return len(self.papers)

    def by_key(self, key: str) -> Paper | None:
        found = self._lookup.get(key.lower())
        return self.papers[found] if found else None

    def by_arxiv(self, arxiv_id: ArxivId) -> Paper | None:
        found = self._by_arxiv.get(arxiv_id.base)
        return self.papers[found] if found else None

    def digests(self) -> dict[str, str]:
        return {key: paper.digest for key, paper in self.papers.items()}


def paper_from_entry(entry: BibEntry) -> Paper:
    fields = entry.fields
    authors = tuple(
        latex_to_text(name) for name in _AUTHOR_SPLIT.split(fields.get("author", "")) if name
    )
    url = fields.get("url", "").strip()
    doi = fields.get("doi", "").strip()
    return Paper(
        key=entry.key,
        entry_type=entry.entry_type,
        title=latex_to_text(fields.get("title", "")),
        authors=tuple(author for author in authors if author),
        year=latex_to_text(fields.get("year", "")),
        venue=_venue(fields),
        arxiv_id=_arxiv_id(entry),
        url=url if is_web_url(url) else None,
        doi=doi.removeprefix("https://doi.org/") or None,
        bibtex=entry.text,
        line=entry.line,
        aliases=tuple(entry.aliases),
    )


def _venue(fields: Mapping[str, str]) -> str:
    for name in ("journal", "booktitle", "note", "howpublished", "publisher"):
        if value := fields.get(name):
            return latex_to_text(value)
    return ""


def _arxiv_id(entry: BibEntry) -> ArxivId | None:
    eprint = entry.eprint
    prefix = entry.fields.get("archiveprefix", entry.fields.get("eprinttype", "arXiv"))
    if not eprint or prefix.lower() != "arxiv":
        return None
    try:
        return parse_arxiv_id(eprint.strip()).unversioned
    except InvalidArxivId:
        return None
