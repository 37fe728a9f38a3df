"""Bring arXiv papers into the bibliography: look up what is there, fetch the rest, write once.

Shared by ``paperrefs add``/``sync`` and by an opted-in Sphinx build. This is the one
module that knows both sides: arXiv's metadata (:mod:`paperrefs.arxiv`), how it becomes
an entry (:mod:`paperrefs.entry`), and the file (:mod:`paperrefs.bibfile`), which itself
only knows BibTeX text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.arxiv import DEFAULT_API_URL, ArxivClient
from paperrefs.bibfile import (
    LOCK_TIMEOUT,
    BibDocument,
    bib_lock,
    check_writable,
    insert_entries,
    read_bib,
    write_text,
)
from paperrefs.csl import Work
from paperrefs.doi import DoiClient
from paperrefs.entry import (
    TakenKeys,
    doi_is_writable,
    format_entry,
    format_work,
    make_key,
    work_key,
)
from paperrefs.environment import Environment
from paperrefs.ids import ArxivId, Doi
from paperrefs.metadata import PaperMetadata

Identifier = ArxivId | Doi


def api_url(explicit: str | None = None, environment: Environment | None = None) -> str:
    """The command-line option or setting, else the environment variable, else arXiv itself."""
    env = environment or Environment.read()
    return explicit or env.arxiv_api or DEFAULT_API_URL


@dataclass
class AddReport:
    """What happened to each requested ID."""

    keys: dict[Identifier, str] = field(default_factory=dict)  # already there, or added
    added: list[Identifier] = field(default_factory=list)
    missing: list[Identifier] = field(default_factory=list)  # no such paper or DOI
    failed: dict[Identifier, str] = field(default_factory=dict)  # could not ask, or refused

    @property
    def unresolved(self) -> list[Identifier]:
        return [*self.missing, *self.failed]

    def merge(self, other: AddReport) -> None:
        self.keys.update(other.keys)
        self.added.extend(other.added)
        self.missing.extend(other.missing)
        self.failed.update(other.failed)


def add_ids(
    bib: Path,
    ids: Sequence[ArxivId],
    client: ArxivClient,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> AddReport:
    """Resolve ``ids`` against the bib, fetch those it lacks, and insert what arXiv knows.

    Raises BibError before any request when the bib cannot be read, or cannot be written
    and something is to be fetched.
    """
    report = AddReport()
    document = read_bib(bib)
    wanted: list[ArxivId] = []
    for arxiv_id in dict.fromkeys(ids):
        entry = document.index.by_arxiv(arxiv_id)
        if entry is not None:
            report.keys[arxiv_id] = entry.key
        else:
            wanted.append(arxiv_id)
    if not wanted:
        return report
    check_writable(bib)  # before asking arXiv: its answer could not be stored
    if on_start is not None:
        on_start(len(wanted))
    result = client.fetch(wanted, progress)
    found = [result.found[arxiv_id] for arxiv_id in wanted if arxiv_id in result.found]
    written = add_papers(bib, found) if found else {}
    for arxiv_id in wanted:
        paper = result.found.get(arxiv_id)
        if paper is not None and paper.arxiv_id in written:
            report.keys[arxiv_id] = written[paper.arxiv_id]
            report.added.append(arxiv_id)
    report.missing = [arxiv_id for arxiv_id in result.missing if arxiv_id in wanted]
    report.failed.update(result.failed.items())
    return report


def add_papers(
    path: Path, papers: Sequence[PaperMetadata], timeout: float = LOCK_TIMEOUT
) -> dict[ArxivId, str]:
    """Add arXiv papers to the bibliography; return each requested ID's key.

    The file is re-read under the lock, so entries another process wrote meanwhile are
    seen. A paper already present keeps its existing key and is not written again; new
    keys are disambiguated against every key and alias in the file.
    """
    with bib_lock(path, timeout):
        doc = read_bib(path)
        keys, new = plan_papers(doc, papers)
        if new:
            write_text(doc, insert_entries(doc, new))
    return keys


def plan_papers(
    doc: BibDocument, papers: Sequence[PaperMetadata]
) -> tuple[dict[ArxivId, str], list[tuple[str, str]]]:
    """Keys for ``papers`` and the entries still to insert, in the order given."""
    keys: dict[ArxivId, str] = {}
    made: dict[str, str] = {}  # base ID -> key, for the same paper requested twice
    taken = TakenKeys(doc.taken_keys())
    new: list[tuple[str, str]] = []
    for meta in papers:
        base = meta.arxiv_id.base
        existing = doc.index.by_arxiv(meta.arxiv_id)
        if existing is not None:
            keys[meta.arxiv_id] = existing.key
            continue
        if base not in made:
            made[base] = make_key(meta, taken)
            taken.add(made[base])
            new.append((made[base], format_entry(made[base], meta)))
        keys[meta.arxiv_id] = made[base]
    return keys, new


def add_dois(
    bib: Path,
    dois: Sequence[Doi],
    client: DoiClient,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> AddReport:
    """Resolve ``dois`` against the bib (any entry carrying the DOI is that work, an arXiv
    entry with its publisher's DOI included), fetch the rest, insert what doi.org knows.

    arXiv's own DOIs (``10.48550/arXiv.ID``) are arXiv IDs: the caller resolves those
    with :func:`add_ids`, which writes the richer arXiv entry.
    """
    report = AddReport()
    document = read_bib(bib)
    wanted: list[Doi] = []
    for doi in dict.fromkeys(dois):
        entry = document.index.by_doi(doi)
        if entry is not None:
            report.keys[doi] = entry.key
        elif not doi_is_writable(doi.value):
            report.failed[doi] = "it holds characters a BibTeX field cannot keep; add it by hand"
        else:
            wanted.append(doi)
    if not wanted:
        return report
    check_writable(bib)  # before asking doi.org: its answer could not be stored
    if on_start is not None:
        on_start(len(wanted))
    result = client.fetch(wanted, progress)
    found = [result.found[doi] for doi in wanted if doi in result.found]
    written = add_works(bib, found) if found else {}
    for doi in wanted:
        if doi in written:
            report.keys[doi] = written[doi]
            report.added.append(doi)
    report.missing.extend(result.missing)
    report.failed.update(result.failed.items())
    return report


def add_works(path: Path, works: Sequence[Work], timeout: float = LOCK_TIMEOUT) -> dict[Doi, str]:
    """Add works known by DOI, under the lock; return each DOI's key (existing or new)."""
    with bib_lock(path, timeout):
        doc = read_bib(path)
        keys: dict[Doi, str] = {}
        taken = TakenKeys(doc.taken_keys())
        new: list[tuple[str, str]] = []
        for work in works:
            existing = doc.index.by_doi(work.doi)
            if existing is not None:
                keys[work.doi] = existing.key
            elif work.doi not in keys:
                key = work_key(work, taken)
                taken.add(key)
                new.append((key, format_work(key, work)))
                keys[work.doi] = key
        if new:
            write_text(doc, insert_entries(doc, new))
    return keys
