"""``paperrefs update``: what changed upstream since an entry was written, and what may follow.

For each arXiv entry, arXiv is asked for the latest version and, when the entry records
the version it was made from, for that version too: the entry paperrefs would have
written from it is exactly what paperrefs did write. A field still holding that value
is paperrefs' own and may follow the latest record; a field holding anything else was
typed or changed by a person and is kept, reported as a conflict. Without a recorded
version, only fields paperrefs recognizably wrote (its arXiv DOI fallback, the version)
or that are absent may be filled in. The key, the eprint and every other entry stay.
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
from paperrefs.entry import format_entry
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata

# The fields of paperrefs' arXiv layout that follow arXiv's record; year, eprint,
# archiveprefix and url follow from the ID, which never changes.
FOLLOWED = ("title", "author", "version", "primaryclass", "doi", "note")
LABELS = {
    "title": "title",
    "author": "author list",
    "version": "version",
    "primaryclass": "primary category",
    "doi": "DOI",
    "note": "journal reference",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    current: str  # "" when the entry has no such field
    latest: str  # what paperrefs would write from arXiv's latest record
    conflict: bool  # a person's value: reported, never overwritten


@dataclass
class EntryUpdate:
    """One entry against arXiv's latest record."""

    key: str
    arxiv_id: ArxivId
    latest: PaperMetadata
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def applicable(self) -> list[FieldChange]:
        return [change for change in self.changes if not change.conflict]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [change for change in self.changes if change.conflict]


@dataclass
class UpdateReport:
    updates: list[EntryUpdate] = field(default_factory=list)  # every entry checked
    missing: list[str] = field(default_factory=list)  # keys arXiv knows no paper for
    failed: dict[str, str] = field(default_factory=dict)  # key -> why it was not checked
    written: list[str] = field(default_factory=list)  # keys rewritten by --apply

    @property
    def outdated(self) -> list[EntryUpdate]:
        return [update for update in self.updates if update.changes]


def arxiv_entries(document: BibDocument, wanted: Sequence[str]) -> list[BibEntry]:
    """The entries named by key or arXiv ID, or every arXiv entry; ValueError for a name
    that is neither."""
    if not wanted:
        return [entry for entry in document.entries if entry.arxiv_id is not None]
    found: dict[str, BibEntry] = {}
    for name in wanted:
        entry = document.get(name) or document.by_eprint(name)
        if entry is None:
            raise ValueError(f"{name!r} is neither a key nor an arXiv ID of {document.path}")
        if entry.arxiv_id is None:
            raise ValueError(f"{entry.key} is not an arXiv entry (it has no arXiv eprint)")
        found.setdefault(entry.key, entry)
    return list(found.values())


def check_updates(
    bib: Path,
    wanted: Sequence[str],
    client: ArxivClient,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> UpdateReport:
    """Ask arXiv about the entries and compare; writes nothing."""
    document = read_bib(bib)
    entries = arxiv_entries(document, wanted)
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
    if on_start is not None:
        on_start(len(requests))
    result = client.fetch(requests, progress)
    for entry in entries:
        assert entry.arxiv_id is not None
        if entry.arxiv_id in result.failed:
            report.failed[entry.key] = result.failed[entry.arxiv_id]
            continue
        latest = result.found.get(entry.arxiv_id)
        if latest is None:
            report.missing.append(entry.key)
            continue
        recorded = recorded_version(entry)
        written = result.found.get(ArxivId(entry.arxiv_id.base, recorded)) if recorded else None
        report.updates.append(compare(entry, latest, written))
    return report


def recorded_version(entry: BibEntry) -> int | None:
    value = entry.fields.get("version", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def compare(entry: BibEntry, latest: PaperMetadata, written: PaperMetadata | None) -> EntryUpdate:
    """Each followed field: the entry's value, the latest one, and whose value it is."""
    assert entry.arxiv_id is not None
    update = EntryUpdate(entry.key, entry.arxiv_id, latest)
    new = _fields(format_entry(entry.key, latest))
    old = _fields(format_entry(entry.key, written)) if written is not None else None
    fallback_doi = entry.arxiv_id.doi
    for name in FOLLOWED:
        current = _normal(entry.fields.get(name, ""))
        target = new.get(name, "")
        if current == target:
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


def _fields(entry_text: str) -> dict[str, str]:
    entry = parse_bib(entry_text, Path("generated.bib")).entries[0]
    return {name: _normal(value) for name, value in entry.fields.items()}


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
        for update in report.outdated:
            entry = document.get(update.key)
            if entry is None or entry.arxiv_id != update.arxiv_id:
                continue
            fresh = [change for change in update.applicable if _still(entry, change)]
            if fresh:
                texts[entry.key] = rewrite_fields(entry, fresh)
        if texts:
            write_text(document, replace_entries(document, texts))
    report.written = sorted(texts)
    return report.written


def _still(entry: BibEntry, change: FieldChange) -> bool:
    return _normal(entry.fields.get(change.name, "")) == change.current


def rewrite_fields(entry: BibEntry, changes: Sequence[FieldChange]) -> str:
    """The entry's text with each field's value replaced, or the field added, in place."""
    text = entry.text
    for change in changes:
        span = _value_span(text, change.name) if change.current else None
        if span is None:
            text = _add_field(text, change.name, change.latest)
        else:
            text = text[: span[0]] + "{" + change.latest + "}" + text[span[1] :]
    return text


def _value_span(text: str, name: str) -> tuple[int, int] | None:
    """Where the value of field ``name`` is in an entry's text, delimiters included."""
    start = re.compile(rf"(?im)^[ \t]*{re.escape(name)}[ \t]*=[ \t]*")
    match = start.search(text)
    if match is None:
        return None
    end = value_end(text, match.end())
    return (match.end(), end) if end is not None else None


def _add_field(text: str, name: str, value: str) -> str:
    """Add ``name = {value},`` as the entry's last field, in paperrefs' layout."""
    body = text.rstrip()
    assert body.endswith("}") or body.endswith(")")
    head = body[:-1].rstrip()
    separator = "" if head.endswith(",") else ","
    return f"{head}{separator}\n  {name:<13} = {{{value}}},\n{body[-1]}"


def latest_summary(update: EntryUpdate) -> str:
    """One line: the latest version arXiv has, and its date."""
    version = update.latest.arxiv_id.version
    when = f" ({update.latest.updated})" if update.latest.updated else ""
    return f"arXiv has v{version}{when}" if version else "arXiv's latest record"


def describe(change: FieldChange) -> str:
    label = LABELS.get(change.name, change.name)
    if change.conflict:
        return f"{label} differs from arXiv's and was set by hand: kept ({change.current!r})"
    if not change.current:
        return f"{label} appeared: {change.latest}"
    return f"{label} changed: {change.current!r} -> {change.latest!r}"
