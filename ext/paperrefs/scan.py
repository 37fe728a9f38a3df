"""Find every paper the notes cite, in one pass over the sources, without Sphinx.

Recognizes the four ways of citing: the ``paper`` directive, the ``arxiv`` role,
plain arXiv links, and sphinxcontrib-bibtex's ``cite`` roles (by key).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.ids import ARXIV_URL, ArxivId, InvalidArxivId, parse_arxiv_id
from paperrefs.location import Location

SOURCE_SUFFIXES = (".md", ".rst", ".txt")
SKIP_DIRS = {"_build", "_static", "_templates", ".venv", "node_modules"}

_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{paper\}\s+(?P<arg>\S+)", re.MULTILINE)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+paper::\s+(?P<arg>\S+)", re.MULTILINE)
# A role preceded by a backtick is inside a code span: shown as an example, not cited.
_ROLE = re.compile(r"(?<!`)(?:\{arxiv\}|:arxiv:)`(?P<arg>[^`\n]*)`")
_CITE = re.compile(r"(?<!`)(?:\{cite(?::\w+)?\}|:cite(?::\w+)?:)`(?P<arg>[^`\n]*)`")
# Code that shows syntax rather than using it: fences that are not directives, and
# inline code spans of two or more backticks.
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_CODE_SPAN = re.compile(r"(?P<ticks>`{2,})(?!`)[^\n]+?(?<!`)(?P=ticks)(?!`)")


@dataclass
class Citations:
    """What the notes cite: arXiv IDs (unversioned) and bib keys, each with its locations."""

    arxiv: dict[ArxivId, list[Location]] = field(default_factory=dict)
    keys: dict[str, list[Location]] = field(default_factory=dict)
    invalid: list[tuple[Location, str]] = field(default_factory=list)

    def add_id(self, text: str, where: Location, *, key_allowed: bool = False) -> None:
        try:
            arxiv_id = parse_arxiv_id(text)
        except InvalidArxivId as error:
            if key_allowed:
                self.keys.setdefault(text, []).append(where)
            else:
                self.invalid.append((where, str(error)))
            return
        self.arxiv.setdefault(arxiv_id.unversioned, []).append(where)


def source_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if path.suffix in SOURCE_SUFFIXES and not SKIP_DIRS.intersection(relative):
            yield path


def without_code(text: str) -> str:
    """Blank out code examples, keeping every line break so line numbers stay right."""
    lines = text.split("\n")
    open_fence: str | None = None  # the fence that opened the current block
    in_code = False
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if open_fence is None and match:
            open_fence, in_code = match["fence"], not match["info"].strip().startswith("{")
        elif open_fence is not None and match and _closes(match, open_fence):
            open_fence, blank_this = None, in_code
            if blank_this:
                lines[number] = ""
            continue
        if in_code and open_fence is not None:
            lines[number] = ""
    return _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), "\n".join(lines))


def _closes(match: re.Match[str], fence: str) -> bool:
    candidate = match["fence"]
    return candidate[0] == fence[0] and len(candidate) >= len(fence) and not match["info"].strip()


def scan_text(text: str, path: Path, citations: Citations) -> None:
    text = without_code(text)

    def where(offset: int) -> Location:
        return Location(path, text.count("\n", 0, offset) + 1)

    for pattern in (_DIRECTIVE, _RST_DIRECTIVE):
        for match in pattern.finditer(text):
            citations.add_id(match["arg"], where(match.start("arg")), key_allowed=True)
    for match in _ROLE.finditer(text):
        citations.add_id(match["arg"].strip(), where(match.start("arg")))
    for match in ARXIV_URL.finditer(text):
        citations.add_id(match[0], where(match.start()))
    for match in _CITE.finditer(text):
        for key in match["arg"].split(","):
            if key.strip():
                citations.keys.setdefault(key.strip(), []).append(where(match.start("arg")))


def scan_docs(root: Path, papers_dir: str = "papers") -> Citations:
    """Every citation under ``root``, skipping build output and generated paper pages."""
    citations = Citations()
    generated = root / papers_dir
    for path in source_files(root):
        if generated in path.parents:
            continue
        scan_text(path.read_text(encoding="utf-8", errors="replace"), path, citations)
    return citations
