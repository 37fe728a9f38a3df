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

_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\s*\{paper\}\s+(?P<arg>\S+)", re.MULTILINE)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+paper::\s+(?P<arg>\S+)", re.MULTILINE)
# A role preceded by a backtick is inside a code span: shown as an example, not cited.
_ROLE = re.compile(r"(?<!`)(?:\{arxiv\}|:arxiv:)`(?P<arg>[^`\n]*)`")
_CITE = re.compile(r"(?<!`)(?:\{cite(?::\w+)?\}|:cite(?::\w+)?:)`(?P<arg>[^`\n]*)`")
# Code that shows syntax rather than using it: fences that are not directives, and
# inline code spans of two or more backticks.
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_CODE_SPAN = re.compile(r"(?P<ticks>`{2,})(?!`)[^\n]+?(?<!`)(?P=ticks)(?!`)")
# A single backtick opens a role's content when a role name stands right before it.
_ROLE_NAME = re.compile(r"(?:\{[\w:.+-]+\}|:[\w:.+-]+:)$")
_BACKTICK_RUN = re.compile(r"`+")
# Markdown that the build never shows: HTML comments and MyST's % comment lines.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MYST_COMMENT = re.compile(r"^[ \t]*%[^\n]*$", re.MULTILINE)
# In Markdown a URL is a link only in link syntax: (url), <url> or a [label]: url definition;
# reStructuredText makes every standalone URL a link.
_LINK_OPENERS = ("(", "<", "]: ")


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


def without_code(text: str, *, markdown: bool = True) -> str:
    """Blank out code examples and comments, keeping every line break so lines stay right.

    Fenced blocks that are not directives (also when nested inside a directive's fence),
    inline code spans, and, in Markdown, HTML comments and ``%`` comment lines.
    """
    lines = text.split("\n")
    open_blocks: list[tuple[str, bool]] = []  # (fence, is code) from the outermost in
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        in_code = any(code for _, code in open_blocks)
        if match and open_blocks and _closes(match, open_blocks[-1][0]):
            open_blocks.pop()
            if in_code:
                lines[number] = ""
            continue
        if match and not in_code:
            open_blocks.append((match["fence"], not match["info"].strip().startswith("{")))
        if in_code or (open_blocks and open_blocks[-1][1]):
            lines[number] = ""
    text = _CODE_SPAN.sub(_blank, "\n".join(lines))
    if markdown:
        text = _MYST_COMMENT.sub(_blank, _HTML_COMMENT.sub(_blank, text))
    return _without_single_tick_code(text)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match[0])


def _without_single_tick_code(text: str) -> str:
    """Blank `code` spans; a role's `content` (``{arxiv}`ID```, ``:cite:`key```) stays."""
    pieces, cursor, role_open, code_from = [], 0, False, -1
    for run in _BACKTICK_RUN.finditer(text):
        if len(run[0]) != 1:
            continue
        if role_open:
            role_open = False
        elif code_from >= 0:
            pieces += [text[cursor:code_from], re.sub(r"[^\n]", " ", text[code_from : run.end()])]
            cursor, code_from = run.end(), -1
        elif _ROLE_NAME.search(text, max(0, run.start() - 40), run.start()):
            role_open = True
        else:
            code_from = run.start()
    return "".join([*pieces, text[cursor:]])


def _closes(match: re.Match[str], fence: str) -> bool:
    candidate = match["fence"]
    return candidate[0] == fence[0] and len(candidate) >= len(fence) and not match["info"].strip()


def scan_text(text: str, path: Path, citations: Citations) -> None:
    markdown = path.suffix == ".md"
    text = without_code(text, markdown=markdown)

    def where(offset: int) -> Location:
        return Location(path, text.count("\n", 0, offset) + 1)

    arguments: list[tuple[int, int]] = []  # a directive's argument is not also a link
    for pattern in (_DIRECTIVE, _RST_DIRECTIVE):
        for match in pattern.finditer(text):
            arguments.append(match.span("arg"))
            citations.add_id(match["arg"], where(match.start("arg")), key_allowed=True)
    for match in _ROLE.finditer(text):
        citations.add_id(match["arg"].strip(), where(match.start("arg")))
    for match in ARXIV_URL.finditer(text):
        if any(start <= match.start() < end for start, end in arguments):
            continue
        if markdown and not text[: match.start()].endswith(_LINK_OPENERS):
            continue
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
