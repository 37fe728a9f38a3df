"""Parse arXiv API Atom feeds into paper records, in every dialect arXiv has served.

Everything is looked up by namespace and element name, never by position or prefix:
the classic backend declares the ``arxiv`` namespace on each element, the current one
on ``<feed>``, and element order differs between them. Documents with a DTD or entities
are refused before expansion, so an entity bomb costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from paperrefs.ids import ARXIV_URL, ArxivId, InvalidArxivId, parse_arxiv_id
from paperrefs.metadata import PaperMetadata

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"

_SPACES = re.compile(r"\s+")


class FeedError(ValueError):
    """The bytes are not a well-formed Atom feed (HTML, truncated XML, entity tricks...)."""


@dataclass(frozen=True)
class ParsedFeed:
    """Papers in feed order, plus the messages of any arXiv error entries."""

    papers: tuple[PaperMetadata, ...]
    errors: tuple[str, ...]


def parse_feed(data: bytes) -> ParsedFeed:
    """Parse one API response body; raise FeedError unless it is an Atom feed."""
    root = _parse_root(data)
    papers: list[PaperMetadata] = []
    errors: list[str] = []
    for entry in root.iterfind(_atom("entry")):
        if _is_error(entry):
            errors.append(_error_message(entry))
        elif (paper := _paper(entry)) is not None:
            papers.append(paper)
    return ParsedFeed(tuple(papers), tuple(errors))


def _parse_root(data: bytes) -> Element:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except SafeET.ParseError as exc:
        raise FeedError(f"not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise FeedError(f"refused XML with a DTD or entities: {exc!r}") from exc
    except (LookupError, ValueError) as exc:  # an unknown or unusable declared encoding
        raise FeedError(f"unreadable XML: {exc}") from exc
    if root.tag != _atom("feed"):
        raise FeedError(f"root element is {root.tag!r}, not an Atom <feed>")
    return root


def _is_error(entry: Element) -> bool:
    entry_id = _text(entry, _atom("id")) or ""
    if "/api/errors" in entry_id:
        return True
    # A real paper may be titled "Error"; only an entry without a paper URL is arXiv's.
    return _text(entry, _atom("title")) == "Error" and not ARXIV_URL.match(entry_id)


def _error_message(entry: Element) -> str:
    for tag in (_atom("summary"), _atom("id")):
        if message := _text(entry, tag):
            return message
    return "arXiv reported an error"


def _paper(entry: Element) -> PaperMetadata | None:
    arxiv_id = _entry_id(entry)
    if arxiv_id is None:  # ghost entries have no <id>; foreign ones no arXiv URL
        return None
    return PaperMetadata(
        arxiv_id=arxiv_id,
        # The classic API dropped <title> for a paper titled "0"; it is still a paper.
        title=_text(entry, _atom("title")) or "",
        authors=_authors(entry),
        primary_category=_primary_category(entry),
        abstract=_text(entry, _atom("summary")) or "",
        published=_iso_date(_text(entry, _atom("published"))),
        updated=_iso_date(_text(entry, _atom("updated"))),
        doi=_doi(entry),
        journal_ref=_text(entry, _arxiv("journal_ref")) or None,
        comment=_text(entry, _arxiv("comment")) or None,
    )


def _entry_id(entry: Element) -> ArxivId | None:
    match = ARXIV_URL.fullmatch(_text(entry, _atom("id")) or "")
    if match is None:
        return None
    try:
        return parse_arxiv_id(match["id"])
    except InvalidArxivId:
        return None


def _authors(entry: Element) -> tuple[str, ...]:
    names = (_text(author, _atom("name")) for author in entry.iterfind(_atom("author")))
    return tuple(name for name in names if name)


def _primary_category(entry: Element) -> str:
    primary = entry.find(_arxiv("primary_category"))
    if primary is not None and (term := primary.get("term", "").strip()):
        return term
    # Tolerate a future dialect without it: arXiv lists the primary category first.
    for category in entry.iterfind(_atom("category")):
        if term := category.get("term", "").strip():
            return term
    return ""


def _doi(entry: Element) -> str | None:
    for element in entry.iterfind(_arxiv("doi")):
        # Authors sometimes give several DOIs in one field, separated by spaces.
        if tokens := _collapse("".join(element.itertext())).split():
            return tokens[0]
    return None


def _iso_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return ""


def _text(parent: Element, tag: str) -> str | None:
    """Whitespace-collapsed text of the first ``tag`` child; None when there is none."""
    element = parent.find(tag)
    if element is None:
        return None
    return _collapse("".join(element.itertext()))


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _arxiv(name: str) -> str:
    return f"{{{ARXIV_NS}}}{name}"
