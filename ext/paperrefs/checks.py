"""``paperrefs check``: lint the bibliography and the notes that cite it.

It reports what a build would warn about in the notes (the dates and options of each
``paper`` directive, by the build's own rule in :mod:`paperrefs.dates`), and what the
build cannot see: entries missing what BibTeX styles need, the same paper twice,
citations of what the bibliography lacks. Each problem may carry a hint that fits its
case: the likely key or ID meant, how to add a paper that is not on arXiv, the line of
the bib to fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from paperrefs.bibfile import BibDocument, BibEntry, BibError, missing_bib_advice, read_bib
from paperrefs.dates import date_problems
from paperrefs.ids import InvalidArxivId, parse_arxiv_id
from paperrefs.location import Location
from paperrefs.scan import Citations, PaperDirective, scan_docs
from paperrefs.text import is_web_url

REQUIRED = ("title", "author", "year")
ARXIV_REQUIRED = ("eprint", "archiveprefix", "url", "doi")
DIRECTIVE_OPTIONS = ("added", "updated")  # the options of the paper directive
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
# Text that was meant as an arXiv ID rather than a key: a number, a prefix, a URL.
_FIELD_START = re.compile(r"\s*[A-Za-z][\w.:+/-]*\s*=")
_ID_LIKE = re.compile(r"(?i)(?:arxiv:|https?://|\d{4}\.|[a-z-]+(?:\.[a-z]{2})?/\d)")


@dataclass(frozen=True)
class Problem:
    """One problem at one place; ``hint`` is advice, printed on a line of its own."""

    where: Location
    severity: Literal["error", "warning"]
    message: str
    hint: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def check_project(
    bib: Path,
    docs: Path,
    *,
    papers_dir: str = "papers",
    exclude: Iterable[str] = (),
    include: Iterable[str] = ("**",),
) -> list[Problem]:
    """Every problem of the bib and of the notes under ``docs`` that a build reads.

    ``papers_dir``, ``exclude`` and ``include`` are the site's settings (the generated
    paper pages, ``exclude_patterns`` and ``include_patterns``).
    """
    citations = scan_docs(docs, papers_dir, exclude=exclude, include=include)
    try:
        document = read_bib(bib)
    except BibError as error:
        broken = Problem(error.location, "error", error.message, broken_bib_hint(error))
        return [broken, *check_directives(citations.directives)]
    if not bib.exists():
        missing = Problem(
            Location(bib), "error", "the bibliography does not exist", missing_bib_advice(bib)
        )
        return [missing, *check_directives(citations.directives)]
    problems = [problem for entry in document.entries for problem in check_entry(bib, entry)]
    problems += same_paper_twice(bib, document)
    problems += check_citations(bib, document, citations)
    problems += check_directives(citations.directives)
    return problems


def broken_bib_hint(error: BibError) -> str:
    """The line to fix: the one the error names, or the one whose brace never closes."""
    try:
        lines = error.path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    if not 1 <= error.line <= len(lines):
        return ""
    unclosed = unclosed_brace_line(lines, error.line)
    line = unclosed or error.line
    text = lines[line - 1].strip()
    shown = text if len(text) <= 70 else text[:67] + "..."
    what = "the brace opened on this line is never closed" if unclosed else "fix this line"
    return (
        f"{what}: line {line}: `{shown}`; until it is fixed, paperrefs add and sync refuse "
        "the file and a build leaves the entry out"
    )


def unclosed_brace_line(lines: Sequence[str], start: int) -> int | None:
    """In the block starting at 1-based ``start`` (up to the next line opening with ``@``),
    the line where a field's ``{`` opens that is still open when the next field starts, at
    the entry's closing line, or at the block's end."""
    opened: list[int] = []  # opened[0] is the entry's own brace
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if number > start and line.lstrip().startswith("@"):
            break
        # A new field, or a lone "}" closing the entry, while a field's brace is open.
        if number > start and len(opened) > 1 and (_FIELD_START.match(line) or line.strip() == "}"):
            return opened[1]
        for char in line:
            if char == "{":
                opened.append(number)
            elif char == "}" and opened:
                opened.pop()
    return opened[1] if len(opened) > 1 else None


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
    known_ids = {entry.arxiv_id.base: entry.key for entry in document.entries if entry.arxiv_id}
    for arxiv_id, places in sorted(citations.arxiv.items()):
        if document.index.by_arxiv(arxiv_id) is None:
            message = f"arXiv:{arxiv_id} is cited but not in {bib}; run paperrefs sync"
            hint = _id_hint(arxiv_id.base, close_ids(arxiv_id.base, known_ids), known_ids)
            problems += [Problem(where, "error", message, hint) for where in places]
    for doi, places in citations.dois.items():
        if document.index.by_doi(doi) is None:
            message = f"DOI {doi} is cited but not in {bib}; run paperrefs sync"
            problems += [Problem(where, "error", message) for where in places]
    every_key = [name for entry in document.entries for name in (entry.key, *entry.aliases)]
    for key, places in sorted(citations.keys.items()):
        if document.get(key) is None:
            message, hint = _missing_key(key, bib, every_key, known_ids)
            problems += [Problem(where, "error", message, hint) for where in places]
    cited_keys = {key.lower() for key in citations.keys}
    cited_ids = set(citations.arxiv)
    cited_dois = set(citations.dois)
    for entry in document.entries:
        names = {entry.key.lower(), *(alias.lower() for alias in entry.aliases)}
        cited = entry.arxiv_id in cited_ids or entry.doi in cited_dois
        if not names & cited_keys and not cited:
            message = f"{entry.key} is not cited by any note"
            problems.append(Problem(Location(bib, entry.line), "warning", message))
    return problems


def _missing_key(
    key: str, bib: Path, names: Sequence[str], known_ids: dict[str, str]
) -> tuple[str, str]:
    """The problem and the advice for a cited key that the bibliography lacks."""
    if _ID_LIKE.match(key):
        try:
            parse_arxiv_id(key)
        except InvalidArxivId as error:
            message = f"{key!r} is neither a key of {bib} nor an arXiv ID ({error.reason})"
            near = difflib.get_close_matches(key.lower(), list(known_ids), n=1, cutoff=0.8)
            return message, _id_hint(key, near, known_ids) or "check the ID for a typo"
    message = f"{key!r} is cited but is not a key of {bib}"
    by_lower = {name.lower(): name for name in names}
    near = difflib.get_close_matches(key.lower(), list(by_lower), n=3, cutoff=0.6)
    if near:
        return message, "did you mean " + " or ".join(by_lower[name] for name in near) + "?"
    return message, (
        "a key is not an arXiv ID, so paperrefs cannot fetch it: for a paper that is not on "
        "arXiv, cite its DOI and run `paperrefs add DOI`, or write its entry by hand in "
        f"{bib}, with this key, a title, author and year, as in "
        f"@article{{{key}, title = {{...}}, author = {{...}}, year = {{...}}}}"
    )


def close_ids(wanted: str, known: Iterable[str]) -> list[str]:
    """Known arXiv IDs one typo away from ``wanted``: the same length, and one character
    different or two neighbouring characters swapped."""
    return sorted(candidate for candidate in known if _one_typo_apart(wanted, candidate))


def _one_typo_apart(first: str, second: str) -> bool:
    if len(first) != len(second) or first == second:
        return False
    differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and first[differ[0]] == second[differ[1]]
        and first[differ[1]] == second[differ[0]]
    )


def _id_hint(wanted: str, near: Sequence[str], known_ids: dict[str, str]) -> str:
    if not near:
        return ""
    options = " or ".join(f"arXiv:{base} ({known_ids[base]})" for base in near)
    return f"did you mean {options}, which the bib has?"


def check_directives(directives: Iterable[PaperDirective]) -> list[Problem]:
    """What a build warns about each ``paper`` directive, at the directive's line: an
    argument missing, options it cannot read or does not know, and the dates."""
    problems = []
    for directive in directives:
        where = directive.where
        if not directive.argument:
            problems.append(
                Problem(
                    where,
                    "error",
                    "the paper directive needs an argument: the paper's arXiv ID or its key",
                )
            )
        if directive.unreadable:
            problems.append(
                Problem(
                    where,
                    "error",
                    f"the options of this paper directive cannot be read: {directive.unreadable}",
                    "write each option on its own line as `:name: value`, right under the "
                    "directive's first line",
                )
            )
        for name in directive.options:
            if name not in DIRECTIVE_OPTIONS:
                near = difflib.get_close_matches(name, DIRECTIVE_OPTIONS, n=1, cutoff=0.5)
                hint = f"did you mean :{near[0]}:?" if near else "it takes :added: and :updated:"
                message = f"the paper directive has no option :{name}:"
                problems.append(Problem(where, "error", message, hint))
        added, updated = directive.options.get("added"), directive.options.get("updated")
        problems += [Problem(where, "error", text) for text in date_problems(added, updated)]
    return problems
