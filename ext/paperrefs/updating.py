"""``paperrefs update``: what changed upstream since an entry was written, and what may follow.

arXiv entries: arXiv is asked for the latest version and, when the entry records the
version it was made from, for that version too: the entry paperrefs would have written
from it is exactly what paperrefs did write. A field still holding that value is
paperrefs' own and may follow the latest record; a field holding anything else was typed
or changed by a person and is kept, reported as a conflict. Without a recorded version,
only fields paperrefs recognizably wrote (its arXiv DOI fallback, the version, names in
its earlier given-name-first layout) or that are absent may be filled in.

Entries known by DOI alone: doi.org is asked for the work's current record. Nothing in
the entry says which record it was made from, so only what is absent is filled in (pages
and volume arrive after online-first publication, for example); a value that differs in
meaning from the record is reported and kept. Differences of form alone (braces, case,
dashes) are no change. The key, the eprint and every other entry stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.arxiv import ArxivClient
from paperrefs.bibfile import (
    LOCK_TIMEOUT,
    BibDocument,
    BibEntry,
    bib_lock,
    check_writable,
    parse_bib,
    read_bib,
    replace_entries,
    value_end,
    write_text,
)
from paperrefs.csl import Work
from paperrefs.doi import DoiClient
from paperrefs.entry import doi_is_writable, format_entry, format_work
from paperrefs.ids import ArxivId, Doi, InvalidDoi, arxiv_id_of_doi, looks_like_doi, parse_doi
from paperrefs.metadata import PaperMetadata
from paperrefs.text import latex_to_text

Progress = Callable[[int], None]
Source = ArxivId | Doi

# The fields of paperrefs' arXiv layout that follow arXiv's record; year, eprint,
# archiveprefix and url follow from the ID, which never changes.
FOLLOWED = ("title", "author", "version", "primaryclass", "doi", "note", "abstract")
# Filled in by --apply, but not what "out of date" means: a bib written before paperrefs
# stored abstracts is not stale for lacking them.
ENRICHMENTS = frozenset({"abstract"})
# A DOI entry's url is filled in when absent and otherwise left alone: a person's link to
# the publisher's page is as good as paperrefs' doi.org link, and no conflict.
ONLY_FILLED = frozenset({"url"})
NAME_FIELDS = frozenset({"author", "editor"})
ENTRY_TYPE = "entry type"  # a difference reported, never applied: it is not a field
LABELS = {
    "title": "title",
    "author": "author list",
    "editor": "editor list",
    "version": "version",
    "primaryclass": "primary category",
    "doi": "DOI",
    "note": "journal reference",
    "journal": "journal",
    "booktitle": "book or proceedings title",
    "howpublished": "where published",
    "volume": "volume",
    "number": "issue",
    "pages": "pages",
    "url": "URL",
    "abstract": "abstract",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    current: str  # "" when the entry has no such field
    latest: str  # what paperrefs would write from the latest record
    conflict: bool  # a person's value: reported, never overwritten


@dataclass
class EntryUpdate:
    """One entry against the latest record of the paper or work it is."""

    key: str
    source: Source
    summary: str  # one line about the latest record, e.g. "arXiv has v3 (2024-05-12)"
    layout: tuple[str, ...] = ()  # the field order of the entry paperrefs would write
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"arXiv:{self.source}" if isinstance(self.source, ArxivId) else f"doi:{self.source}"

    @property
    def applicable(self) -> list[FieldChange]:
        return [change for change in self.changes if not change.conflict]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [change for change in self.changes if change.conflict]

    @property
    def stale(self) -> bool:
        """Whether --apply would bring the entry up to date in more than enrichments."""
        return any(change.name not in ENRICHMENTS for change in self.applicable)


@dataclass
class UpdateReport:
    updates: list[EntryUpdate] = field(default_factory=list)  # every entry checked
    missing: dict[str, str] = field(default_factory=dict)  # key -> which record does not exist
    failed: dict[str, str] = field(default_factory=dict)  # key -> why it was not checked
    written: list[str] = field(default_factory=list)  # keys rewritten by --apply

    @property
    def changed(self) -> list[EntryUpdate]:
        """Entries with anything to say: changes to apply, or values kept."""
        return [update for update in self.updates if update.changes]

    @property
    def stale(self) -> list[EntryUpdate]:
        return [update for update in self.updates if update.stale]

    def merge(self, other: UpdateReport) -> None:
        self.updates.extend(other.updates)
        self.missing.update(other.missing)
        self.failed.update(other.failed)


@dataclass
class Selection:
    """The entries to check, by the service that knows them."""

    arxiv: list[BibEntry] = field(default_factory=list)
    doi: list[BibEntry] = field(default_factory=list)


def checkable_doi(entry: BibEntry) -> Doi | None:
    """The DOI an entry is checked against: one doi.org can answer for, in an entry that is
    no arXiv paper (those follow arXiv, where their publisher's DOI comes from)."""
    doi = entry.doi
    if entry.arxiv_id is not None or doi is None or arxiv_id_of_doi(doi) is not None:
        return None
    return doi if doi_is_writable(doi.value) else None


def select_entries(document: BibDocument, wanted: Sequence[str]) -> Selection:
    """The entries named by key, arXiv ID or DOI, or every entry that can be checked;
    ValueError for a name that is none of those."""
    if not wanted:
        return Selection(
            arxiv=[entry for entry in document.entries if entry.arxiv_id is not None],
            doi=[entry for entry in document.entries if checkable_doi(entry) is not None],
        )
    found: dict[str, BibEntry] = {}
    for name in wanted:
        entry = document.get(name) or document.by_eprint(name) or _by_doi(document, name)
        if entry is None:
            raise ValueError(
                f"{name!r} is neither a key, an arXiv ID nor a DOI of an entry in {document.path}"
            )
        if entry.arxiv_id is None and checkable_doi(entry) is None:
            raise ValueError(
                f"{entry.key} has neither an arXiv eprint nor a DOI to check it against"
            )
        found.setdefault(entry.key, entry)
    entries = list(found.values())
    return Selection(
        arxiv=[entry for entry in entries if entry.arxiv_id is not None],
        doi=[entry for entry in entries if entry.arxiv_id is None],
    )


def _by_doi(document: BibDocument, name: str) -> BibEntry | None:
    if not looks_like_doi(name):
        return None
    try:
        return document.index.by_doi(parse_doi(name))
    except InvalidDoi:
        return None


def count_requests(selection: Selection) -> tuple[int, int]:
    """How many records each service is asked for: (arXiv, doi.org)."""
    arxiv = sum(1 + (recorded_version(entry) is not None) for entry in selection.arxiv)
    return arxiv, len(selection.doi)


def check_arxiv(
    entries: Sequence[BibEntry], client: ArxivClient, progress: Progress | None = None
) -> UpdateReport:
    """Ask arXiv about the entries (batched, as ``add`` does) and compare; writes nothing."""
    requests: list[ArxivId] = []
    for entry in entries:
        assert entry.arxiv_id is not None
        requests.append(entry.arxiv_id)
        recorded = recorded_version(entry)
        if recorded is not None:
            requests.append(ArxivId(entry.arxiv_id.base, recorded))
    report = UpdateReport()
    if not entries:
        return report
    result = client.fetch(requests, progress)
    for entry in entries:
        assert entry.arxiv_id is not None
        if entry.arxiv_id in result.failed:
            report.failed[entry.key] = f"could not ask arXiv: {result.failed[entry.arxiv_id]}"
            continue
        latest = result.found.get(entry.arxiv_id)
        if latest is None:
            report.missing[entry.key] = "arXiv has no paper for its eprint"
            continue
        recorded = recorded_version(entry)
        written = result.found.get(ArxivId(entry.arxiv_id.base, recorded)) if recorded else None
        report.updates.append(compare(entry, latest, written))
    return report


def check_dois(
    entries: Sequence[BibEntry], client: DoiClient, progress: Progress | None = None
) -> UpdateReport:
    """Ask doi.org for each entry's current record and compare; writes nothing."""
    report = UpdateReport()
    dois: dict[BibEntry, Doi] = {}
    for entry in entries:
        doi = checkable_doi(entry)
        assert doi is not None
        dois[entry] = doi
    if not dois:
        return report
    result = client.fetch(list(dois.values()), progress)
    for entry, doi in dois.items():
        if doi in result.failed:
            report.failed[entry.key] = f"could not ask doi.org: {result.failed[doi]}"
        elif doi in result.found:
            report.updates.append(compare_work(entry, result.found[doi]))
        else:
            report.missing[entry.key] = f"no DOI {doi} is registered (doi.org answered 404)"
    return report


def recorded_version(entry: BibEntry) -> int | None:
    value = entry.fields.get("version", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def compare(entry: BibEntry, latest: PaperMetadata, written: PaperMetadata | None) -> EntryUpdate:
    """Each followed field: the entry's value, the latest one, and whose value it is."""
    assert entry.arxiv_id is not None
    new = _fields(format_entry(entry.key, latest))[1]
    update = EntryUpdate(entry.key, entry.arxiv_id, arxiv_summary(latest), tuple(new))
    old = _fields(format_entry(entry.key, written))[1] if written is not None else None
    fallback_doi = entry.arxiv_id.doi
    for name in FOLLOWED:
        current = _normal(entry.fields.get(name, ""))
        target = new.get(name, "")
        if current == target or (current and target and same_meaning(name, current, target)):
            continue
        ours = (
            not current
            or (old is not None and current == old.get(name, ""))
            or (name == "doi" and current.lower() == fallback_doi.lower())
            or (name == "version" and current.isdigit())
        )
        if not target and ours:
            continue  # never remove what is there because arXiv dropped it
        update.changes.append(FieldChange(name, current, target, conflict=not ours))
    return update


def compare_work(entry: BibEntry, work: Work) -> EntryUpdate:
    """The entry against its DOI record: absent fields may be filled in, differing ones
    are reported and kept. Fields are filled in only into an entry of the record's own
    type (or one it is as often written as), whose layout they belong to."""
    doi = checkable_doi(entry)
    assert doi is not None
    kind, new = _fields(format_work(entry.key, work))
    update = EntryUpdate(entry.key, doi, "doi.org's current record", tuple(new))
    same_type = _compatible(kind, entry.entry_type.lower())
    if not same_type:
        update.changes.append(FieldChange(ENTRY_TYPE, entry.entry_type.lower(), kind, True))
    for name, target in new.items():
        current = _normal(entry.fields.get(name, ""))
        if not current:
            if same_type:
                update.changes.append(FieldChange(name, "", target, conflict=False))
        elif name not in ONLY_FILLED and not same_meaning(name, current, target):
            update.changes.append(FieldChange(name, current, target, conflict=True))
    return update


# Entry types one record may be written as: Crossref files a paper in a proceedings
# volume as a book chapter or a proceedings article, and people write it either way.
_COMPATIBLE_TYPES = (frozenset({"inproceedings", "incollection", "conference"}),)


def _compatible(kind: str, other: str) -> bool:
    return kind == other or any({kind, other} <= group for group in _COMPATIBLE_TYPES)


def same_meaning(name: str, first: str, second: str) -> bool:
    """Whether two values of a field say the same to a reader and to BibTeX: braces,
    case, spacing and dash spellings aside. Names compare as BibTeX splits them."""
    if name in NAME_FIELDS:
        return _people(first) == _people(second)
    return _plain(first) == _plain(second)


_DASHES = re.compile(r"\s*[\u2010-\u2015-]+\s*")


def _plain(value: str) -> str:
    return _DASHES.sub("-", " ".join(latex_to_text(value).casefold().split()))


def _people(value: str) -> tuple[tuple[str, ...], ...] | str:
    """Each name in BibTeX's parts, as plain folded text; the text itself if unparseable."""
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Person
    from pybtex.exceptions import PybtexError

    try:
        people = [Person(name) for name in split_name_list(value)]
    except PybtexError:
        return _plain(value)
    return tuple(
        tuple(
            _plain(" ".join(part))
            for part in (
                p.first_names,
                p.middle_names,
                p.prelast_names,
                p.last_names,
                p.lineage_names,
            )
        )
        for p in people
    )


def _fields(entry_text: str) -> tuple[str, dict[str, str]]:
    """An entry paperrefs would write: its type, and its fields' values, spacing collapsed."""
    entry = parse_bib(entry_text, Path("generated.bib")).entries[0]
    return entry.entry_type.lower(), {name: _normal(value) for name, value in entry.fields.items()}


def _normal(value: str) -> str:
    return " ".join(value.split())


def apply_updates(bib: Path, report: UpdateReport, timeout: float = LOCK_TIMEOUT) -> list[str]:
    """Write the applicable changes under the lock; return the keys rewritten.

    The file is re-read under the lock: an entry someone changed since it was checked is
    compared again, so a value typed meanwhile is never overwritten.
    """
    check_writable(bib)
    with bib_lock(path=bib, timeout=timeout):
        document = read_bib(bib)
        texts: dict[str, str] = {}
        for update in report.updates:
            entry = document.get(update.key)
            if entry is None or update.source not in (entry.arxiv_id, checkable_doi(entry)):
                continue
            fresh = [change for change in update.applicable if _still(entry, change)]
            if fresh:
                texts[entry.key] = rewrite_fields(entry, fresh, update.layout)
        if texts:
            write_text(document, replace_entries(document, texts))
    report.written = sorted(texts)
    return report.written


def _still(entry: BibEntry, change: FieldChange) -> bool:
    return _normal(entry.fields.get(change.name, "")) == change.current


def rewrite_fields(
    entry: BibEntry, changes: Sequence[FieldChange], layout: Sequence[str] = ()
) -> str:
    """The entry's text with each field's value replaced in place, or the field added
    where paperrefs' layout puts it, so an entry it wrote reads as if written today."""
    text = entry.text
    for change in changes:
        span = _field_span(text, change.name, value=True) if change.current else None
        if span is None:
            text = _add_field(text, change.name, change.latest, _later(layout, change.name))
        else:
            text = text[: span[0]] + "{" + change.latest + "}" + text[span[1] :]
    return text


def _later(layout: Sequence[str], name: str) -> Sequence[str]:
    return layout[layout.index(name) + 1 :] if name in layout else ()


def _field_span(text: str, name: str, *, value: bool) -> tuple[int, int] | None:
    """Where field ``name`` is in an entry's text: its value with its delimiters, or
    (``value=False``) the start of its line."""
    match = re.compile(rf"(?im)^([ \t]*){re.escape(name)}[ \t]*=[ \t]*").search(text)
    if match is None:
        return None
    if not value:
        return (match.start(), match.start())
    end = value_end(text, match.end())
    return (match.end(), end) if end is not None else None


def _add_field(text: str, name: str, value: str, later: Sequence[str]) -> str:
    """Add ``name = {value},`` before the first of the ``later`` fields the entry has, or
    else as its last field, in paperrefs' layout."""
    line = f"  {name:<13} = {{{value}}},\n"
    starts = [span[0] for other in later if (span := _field_span(text, other, value=False))]
    if starts:
        at = min(starts)
        return text[:at] + line + text[at:]
    body = text.rstrip()
    assert body.endswith("}") or body.endswith(")")
    head = body[:-1].rstrip()
    separator = "" if head.endswith(",") else ","
    return f"{head}{separator}\n{line}{body[-1]}"


def arxiv_summary(latest: PaperMetadata) -> str:
    """One line: the latest version arXiv has, and its date."""
    version = latest.arxiv_id.version
    when = f" ({latest.updated})" if latest.updated else ""
    return f"arXiv has v{version}{when}" if version else "arXiv's latest record"


def describe(change: FieldChange, update: EntryUpdate) -> str:
    label = LABELS.get(change.name, change.name)
    if change.name == ENTRY_TYPE:
        return (
            f"entry type differs from the record's (@{change.latest}): kept @{change.current};"
            " fields are filled in only into an entry of the record's type"
        )
    if change.conflict:
        service = "arXiv" if isinstance(update.source, ArxivId) else "doi.org"
        return (
            f"{label} differs from {service}'s and was set by hand or is not paperrefs' own:"
            f" kept ({change.current!r}; {service} has {change.latest!r}); to take"
            f" {service}'s, delete the field and run update --apply"
        )
    if not change.current:
        return f"{label} appeared: {change.latest}"
    return f"{label} changed: {change.current!r} -> {change.latest!r}"
