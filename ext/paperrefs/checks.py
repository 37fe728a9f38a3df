"""``paperrefs check``: lint the bibliography and the notes that cite it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from paperrefs.bibfile import BibDocument, BibEntry, BibError, read_bib
from paperrefs.location import Location
from paperrefs.scan import Citations, scan_docs
from paperrefs.text import is_web_url

REQUIRED = ("title", "author", "year")
ARXIV_REQUIRED = ("eprint", "archiveprefix", "url", "doi")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")


@dataclass(frozen=True)
class Problem:
    where: Location
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def check_project(bib: Path, docs: Path) -> list[Problem]:
    try:
        document = read_bib(bib)
    except BibError as error:
        return [Problem(error.location, "error", error.message)]
    if not bib.exists():
        return [Problem(Location(bib), "error", "the bibliography does not exist")]
    problems = [problem for entry in document.entries for problem in check_entry(bib, entry)]
    problems += same_paper_twice(bib, document)
    problems += check_citations(bib, document, scan_docs(docs))
    return problems


def check_entry(bib: Path, entry: BibEntry) -> list[Problem]:
    where = Location(bib, entry.line)
    problems = []
    required = REQUIRED + (ARXIV_REQUIRED if entry.eprint else ())
    for name in required:
        if name == "author" and "editor" in entry.fields:
            continue
        if not entry.fields.get(name, "").strip():
            problems.append(Problem(where, "error", f"{entry.key} has no {name} field"))
    for name, value in entry.fields.items():
        if _UNESCAPED_PERCENT.search(value):
            problems.append(
                Problem(where, "error", f"{entry.key}: unescaped % in {name} (write \\%)")
            )
    url = entry.fields.get("url", "").strip()
    if url and not is_web_url(url):
        problems.append(Problem(where, "error", f"{entry.key}: url is not http(s): {url[:60]!r}"))
    return problems


def same_paper_twice(bib: Path, document: BibDocument) -> list[Problem]:
    first: dict[str, BibEntry] = {}
    problems = []
    for entry in document.entries:
        if entry.arxiv_id is None:
            continue
        base = entry.arxiv_id.base
        if base in first:
            message = f"{entry.key} is arXiv:{base} again (already {first[base].key})"
            problems.append(Problem(Location(bib, entry.line), "error", message))
        else:
            first[base] = entry
    return problems


def check_citations(bib: Path, document: BibDocument, citations: Citations) -> list[Problem]:
    problems = [Problem(where, "error", reason) for where, reason in citations.invalid]
    for arxiv_id, places in sorted(citations.arxiv.items()):
        if document.index.by_arxiv(arxiv_id) is None:
            message = f"arXiv:{arxiv_id} is cited but not in {bib}; run paperrefs sync"
            problems += [Problem(where, "error", message) for where in places]
    for key, places in sorted(citations.keys.items()):
        if document.get(key) is None:
            message = f"{key!r} is cited but is not a key of {bib}"
            problems += [Problem(where, "error", message) for where in places]
    cited_keys = {key.lower() for key in citations.keys}
    cited_ids = set(citations.arxiv)
    for entry in document.entries:
        names = {entry.key.lower(), *(alias.lower() for alias in entry.aliases)}
        if not names & cited_keys and entry.arxiv_id not in cited_ids:
            message = f"{entry.key} is not cited by any note"
            problems.append(Problem(Location(bib, entry.line), "warning", message))
    return problems
