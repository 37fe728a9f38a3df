"""CSL-JSON, as doi.org content negotiation returns it, into a plain-text work record.

Crossref and DataCite both answer ``Accept: application/vnd.citationstyles.csl+json``,
in two vocabularies of types (CSL's ``article-journal``, Crossref's ``journal-article``)
and with text that often carries markup: HTML or JATS tags, MathML, and entities escaped
once or twice (``&amp;lt;sup&amp;gt;``). Everything leaves here as plain Unicode text; the
entry writer escapes it for BibTeX like any arXiv title.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from paperrefs.entry import clean_text
from paperrefs.ids import Doi, InvalidDoi, parse_doi


class NotCsl(ValueError):
    """The body is not a CSL-JSON record of a work (an HTML page, an error, a list...)."""


@dataclass(frozen=True)
class Person:
    """One author or editor; ``literal`` for organizations and names given in one piece."""

    family: str = ""
    given: str = ""
    particle: str = ""  # "van der", "de", written before the family name
    suffix: str = ""  # "Jr.", "III"
    literal: str = ""

    @property
    def surname(self) -> str:
        """The family name as keys and short citations use it, particle included."""
        if self.literal:
            return self.literal
        return f"{self.particle} {self.family}".strip()


@dataclass(frozen=True)
class Work:
    """A work as its DOI record describes it. Text is plain Unicode, whitespace collapsed."""

    doi: Doi
    kind: str  # the BibTeX entry type: article, inproceedings, incollection, book, ...
    title: str
    authors: tuple[Person, ...]
    editors: tuple[Person, ...] = ()
    year: str = ""
    container: str = ""  # the journal, proceedings or book it appeared in
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    url: str = ""
    abstract: str = ""


# CSL's own types and Crossref's, as far as BibTeX has an entry type for them.
ENTRY_TYPES: Mapping[str, str] = {
    "article-journal": "article",
    "journal-article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "paper-conference": "inproceedings",
    "proceedings-article": "inproceedings",
    "chapter": "incollection",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "thesis": "phdthesis",
    "dissertation": "phdthesis",
    "report": "techreport",
}


def parse_csl(body: bytes) -> Work:
    """The work a CSL-JSON body describes; raise NotCsl for anything else."""
    try:
        record = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotCsl(f"not JSON ({exc.__class__.__name__})") from None
    if isinstance(record, list) and len(record) == 1:
        record = record[0]  # citeproc's input format: a list of items, here of one
    if isinstance(record, dict) and isinstance(record.get("message"), dict):
        # Crossref's REST API (api.crossref.org/works/DOI) wraps the same fields in an
        # envelope; a --doi-url pointed at it is understood too.
        record = record["message"]
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        raise NotCsl("not a CSL-JSON record (no type)")
    try:
        doi = parse_doi(str(record.get("DOI", "")))
    except InvalidDoi as exc:
        raise NotCsl(f"no usable DOI in the record ({exc.reason})") from None
    return Work(
        doi=doi,
        kind=ENTRY_TYPES.get(record["type"], "misc"),
        title=_title(record),
        authors=_people(record.get("author")),
        editors=_people(record.get("editor")),
        year=_year(record),
        container=_container(record),
        publisher=plain_text(_first(record.get("publisher"))),
        volume=plain_text(_first(record.get("volume"))),
        issue=plain_text(_first(record.get("issue"))),
        pages=_DASHES.sub("--", plain_text(_first(record.get("page")))),
        url=str(record.get("URL", "")) if isinstance(record.get("URL"), str) else "",
        abstract=abstract_text(_first(record.get("abstract"))),
    )


_DASHES = re.compile(r"\s*(?:--|[-\u2010-\u2013])\s*")  # page ranges: 635-641, 635–641


def _container(record: Mapping[str, Any]) -> str:
    """Where the work appeared; for a preprint (Crossref's posted-content), its server."""
    container = plain_text(_first(record.get("container-title")))
    institution = record.get("institution")
    if not container and isinstance(institution, list) and institution:
        first = institution[0]
        container = plain_text(_first(first.get("name"))) if isinstance(first, dict) else ""
    return container


def _title(record: Mapping[str, Any]) -> str:
    title = plain_text(_first(record.get("title")))
    subtitle = plain_text(_first(record.get("subtitle"))).rstrip(".")
    if subtitle and subtitle.lower() not in title.lower():
        return f"{title}: {subtitle}" if title else subtitle
    return title


def _first(value: object) -> str:
    """CSL fields are strings, but Crossref sends some as lists, and numbers as numbers."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str | int)), "")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _people(value: object) -> tuple[Person, ...]:
    if not isinstance(value, list):
        return ()
    people = []
    for item in value:
        if not isinstance(item, dict):
            continue
        person = Person(
            family=plain_text(_first(item.get("family"))),
            given=plain_text(_first(item.get("given"))),
            particle=plain_text(
                " ".join(
                    _first(item.get(name))
                    for name in ("dropping-particle", "non-dropping-particle")
                    if _first(item.get(name))
                )
            ),
            suffix=plain_text(_first(item.get("suffix"))),
            literal=plain_text(_first(item.get("literal") or item.get("name"))),
        )
        if person.literal or person.family or person.given:
            people.append(person)
    return tuple(people)


def _year(record: Mapping[str, Any]) -> str:
    """The year of publication: issued, else the print or online date, else created."""
    for name in ("issued", "published-print", "published-online", "published", "created"):
        date = record.get(name)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int | str) and str(year).isdigit():
                return str(year)
        # DataCite and older deposits give some dates as text: "2016", "2016-05-04".
        text = date.get("raw") or date.get("literal") if isinstance(date, dict) else None
        if isinstance(text, str) and (found := _YEAR.search(text)):
            return found.group()
    return ""


_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# JATS and HTML elements that end a line of text: their neighbours must not run together.
_BLOCKS = frozenset({"p", "sec", "title", "list-item", "li", "br", "div", "label", "caption"})
# Heading words publishers put before the abstract itself ("Abstract. During ...").
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|summary)\s*[.:]?\s+", re.IGNORECASE)


class _AbstractText(HTMLParser):
    """The text of an abstract in JATS or HTML, with each block a sentence apart and the
    first heading (``<jats:title>Abstract</jats:title>``) left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_heading = False
        self.skipping = 0  # depth inside script or style, whose text is no text at all

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.rpartition(":")[2]
        if name in {"script", "style"}:
            self.skipping += 1
        elif name == "title" and not "".join(self.parts).strip():
            self.in_heading = True
        if name in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name in {"script", "style"}:
            self.skipping = max(0, self.skipping - 1)
        elif name == "title":
            self.in_heading = False
        if name in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not (self.in_heading or self.skipping):
            self.parts.append(data)


def abstract_text(value: str) -> str:
    """A CSL ``abstract`` as plain text: JATS (``<jats:p>``) or HTML reduced to its words,
    paragraphs kept apart, a leading "Abstract" heading dropped."""
    if "<" in value:
        parser = _AbstractText()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return _ABSTRACT_HEADING.sub("", plain_text(value))


def plain_text(value: str) -> str:
    """Markup-free text: tags dropped (their text kept), entities decoded, once or twice."""
    text = value
    for _ in range(3):  # "&amp;lt;sup&amp;gt;" is a tag escaped twice
        if "<" in text:
            parser = _TextOnly()
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        unescaped = html.unescape(text)
        if unescaped == text and "<" not in text:
            break
        text = unescaped
    return clean_text(text)
