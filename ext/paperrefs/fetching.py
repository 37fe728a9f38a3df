"""Bring papers into the bibliography: look up what is there, fetch the rest, write once.

Shared by ``paperrefs add``/``sync`` and by an opted-in Sphinx build.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.arxiv import DEFAULT_API_URL, ArxivClient
from paperrefs.bibfile import add_papers, check_writable, read_bib
from paperrefs.ids import ArxivId

API_URL_ENV = "PAPERREFS_ARXIV_API"


def api_url(explicit: str | None = None) -> str:
    """The command-line option, else the environment variable, else arXiv itself."""
    return explicit or os.environ.get(API_URL_ENV) or DEFAULT_API_URL


@dataclass
class AddReport:
    """What happened to each requested ID."""

    keys: dict[ArxivId, str] = field(default_factory=dict)  # resolved: already there or added
    added: list[ArxivId] = field(default_factory=list)
    missing: list[ArxivId] = field(default_factory=list)  # arXiv has no such paper
    failed: dict[ArxivId, str] = field(default_factory=dict)  # could not ask arXiv

    @property
    def unresolved(self) -> list[ArxivId]:
        return [*self.missing, *self.failed]


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
        entry = document.by_eprint(arxiv_id.base)
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
    report.failed = dict(result.failed)
    return report
