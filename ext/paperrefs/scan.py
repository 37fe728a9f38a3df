"""Find every paper the notes cite, in one pass over the sources, without Sphinx.

Recognizes the four ways of citing: the ``paper`` directive, the ``arxiv`` role,
plain arXiv links, and sphinxcontrib-bibtex's ``cite`` roles (by key). Each ``paper``
directive is also kept with its options as the directive receives them, so that
``paperrefs check`` can judge its dates by the build's rule.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.ids import (
    ARXIV_URL,
    DOI_URL,
    ArxivId,
    Doi,
    InvalidArxivId,
    InvalidDoi,
    arxiv_id_of_doi,
    looks_like_doi,
    parse_arxiv_id,
    parse_doi,
)
from paperrefs.location import Location
from paperrefs.matching import matching_files

SOURCE_SUFFIXES = (".md", ".rst", ".txt")
SKIP_DIRS = {"_build", "_static", "_templates", ".venv", "node_modules"}

# The argument is on the directive's line; a directive without one cites nothing.
_DIRECTIVE = re.compile(
    r"^[ \t]*(?:`{3,}|~{3,}|:{3,})[ \t]*(?P<name>\{paper\})(?:[ \t]+(?P<arg>\S+))?[^\n]*$",
    re.MULTILINE,
)
_RST_DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\.\.[ \t]+(?P<name>paper::)(?:[ \t]+(?P<arg>\S+))?[^\n]*$",
    re.MULTILINE,
)
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


@dataclass(frozen=True)
class PaperDirective:
    """One ``paper`` directive: where it starts, its argument, and its options.

    ``options`` holds each option's value as the directive receives it (quotes and
    comments of MyST's option syntax removed, "" for an option given without a value).
    ``unreadable`` says why the options could not be read at all, when MyST would drop
    every one of them.
    """

    where: Location
    argument: str
    options: Mapping[str, str] = field(default_factory=dict)
    unreadable: str = ""


@dataclass
class Citations:
    """What the notes cite: arXiv IDs (unversioned) and bib keys, each with its locations."""

    arxiv: dict[ArxivId, list[Location]] = field(default_factory=dict)
    dois: dict[Doi, list[Location]] = field(default_factory=dict)
    keys: dict[str, list[Location]] = field(default_factory=dict)
    invalid: list[tuple[Location, str]] = field(default_factory=list)
    directives: list[PaperDirective] = field(default_factory=list)

    def add_id(self, text: str, where: Location, *, key_allowed: bool = False) -> None:
        if looks_like_doi(text):
            self.add_doi(text, where)
            return
        try:
            arxiv_id = parse_arxiv_id(text)
        except InvalidArxivId as error:
            if key_allowed:
                self.keys.setdefault(text, []).append(where)
            else:
                self.invalid.append((where, str(error)))
            return
        self.arxiv.setdefault(arxiv_id.unversioned, []).append(where)

    def add_doi(self, text: str, where: Location) -> None:
        """A DOI; arXiv's own DOIs are arXiv IDs, fetched from arXiv."""
        try:
            doi = parse_doi(text)
        except InvalidDoi as error:
            self.invalid.append((where, str(error)))
            return
        arxiv_id = arxiv_id_of_doi(doi)
        if arxiv_id is not None:
            self.arxiv.setdefault(arxiv_id.unversioned, []).append(where)
        else:
            self.dois.setdefault(doi, []).append(where)


def source_files(
    root: Path, exclude: Iterable[str] = (), include: Iterable[str] = ("**",)
) -> Iterator[Path]:
    """The sources under ``root`` a build reads, given ``exclude_patterns`` and
    ``include_patterns`` as Sphinx matches them (:mod:`paperrefs.matching`)."""
    paths = [root / name for name in matching_files(root, include, exclude)]
    for path in sorted(paths):
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
    for pattern, read_options in ((_DIRECTIVE, myst_options), (_RST_DIRECTIVE, rst_options)):
        for match in pattern.finditer(text):
            location = where(match.start("name"))
            argument = match["arg"] or ""
            if argument:
                arguments.append(match.span("arg"))
                citations.add_id(argument, location, key_allowed=True)
            options, unreadable = read_options(text[match.end() + 1 :], match)
            citations.directives.append(PaperDirective(location, argument, options, unreadable))
    for match in _ROLE.finditer(text):
        citations.add_id(match["arg"].strip(), where(match.start("arg")))
    for pattern in (ARXIV_URL, DOI_URL):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in arguments):
                continue
            if markdown and not text[: match.start()].endswith(_LINK_OPENERS):
                continue
            citations.add_id(match[0], where(match.start()))
    for match in _CITE.finditer(text):
        for key in match["arg"].split(","):
            if key.strip():
                citations.keys.setdefault(key.strip(), []).append(where(match.start("arg")))


def scan_docs(
    root: Path,
    papers_dir: str = "papers",
    *,
    exclude: Iterable[str] = (),
    include: Iterable[str] = ("**",),
) -> Citations:
    """Every citation under ``root``, skipping build output, generated paper pages and
    what ``exclude`` (Sphinx's ``exclude_patterns``) leaves out of the build."""
    citations = Citations()
    generated = root / papers_dir
    for path in source_files(root, exclude, include):
        if generated in path.parents:
            continue
        scan_text(path.read_text(encoding="utf-8", errors="replace"), path, citations)
    return citations


# Options of a paper directive, read as MyST and docutils read them

Options = dict[str, str]
# A key starts the line and ends at the first colon followed by a blank or the line's end.
_MYST_KEY = re.compile(r"(?P<name>[^\s'\"#].*?):(?:[ \t]+|$)")
_RST_FIELD = re.compile(
    r"^:(?P<name>(?:[^:\\\s]|\\.)(?:[^:\\]|\\.|:(?![ `]|$))*?):(?: +(?P<value>.*)|$)"
)


def myst_options(body: str, opening: re.Match[str]) -> tuple[Options, str]:
    """The options at the top of a MyST directive's body, as MyST reads them.

    Either ``:name: value`` lines right after the opening fence (no blank line between),
    or a ``---`` block of ``name: value`` lines. A line MyST cannot read in that block
    drops every option, as in MyST.
    """
    lines = body.split("\n")
    if lines and lines[0].startswith("---"):
        block = []
        for line in lines[1:]:
            if line.startswith("---"):
                break
            block.append(line)
        return _read_myst_block([line for line in block if line.strip()])
    block = []
    for line in lines:
        stripped = line.lstrip()
        if not stripped.startswith(":") or stripped.startswith(":::"):
            break
        block.append(stripped[1:])
    return _read_myst_block(block)


def _read_myst_block(lines: list[str]) -> tuple[Options, str]:
    options: Options = {}
    for line in textwrap.dedent("\n".join(lines)).split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _MYST_KEY.match(line)
        value = _myst_value(line[match.end() :]) if match else None
        if match is None or value is None:
            return {}, f"MyST cannot read the option line {line.strip()!r}"
        options[match["name"].strip()] = value
    return options, ""


_QUOTED = {"'": re.compile(r"'((?:[^']|'')*)'"), '"': re.compile(r'"((?:[^"\\]|\\.)*)"')}


def _myst_value(text: str) -> str | None:
    """A value in MyST's YAML-like option syntax, plain or quoted, without its ``# comment``;
    None when MyST cannot read it (an unclosed quote, text after the closing one)."""
    text = text.strip()
    quote = text[:1]
    if quote in _QUOTED:
        match = _QUOTED[quote].match(text)
        rest = text[match.end() :].strip() if match else None
        if match is None or (rest and not rest.startswith("#")):
            return None
        if quote == "'":
            return match[1].replace("''", "'")
        return re.sub(r"\\(.)", r"\1", match[1])
    if text.startswith("#"):
        return ""
    return re.split(r"[ \t]#", text, maxsplit=1)[0].rstrip()


def rst_options(body: str, opening: re.Match[str]) -> tuple[Options, str]:
    """The field list of options that follows ``.. paper:: ID``, as docutils reads it:
    indented lines up to the first blank one, from the first ``:name:`` line on."""
    indent = len(opening["indent"].expandtabs())
    block = []
    for line in body.split("\n"):
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        block.append(line)
    options: Options = {}
    name = ""
    field_indent = 0
    for line in block:
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        match = _RST_FIELD.match(stripped)
        if match and (not name or depth <= field_indent):
            name, field_indent = match["name"], depth
            options[name] = (match["value"] or "").strip()
        elif name and depth > field_indent:
            options[name] = (options[name] + "\n" + stripped.strip()).strip()
        elif name:
            return {}, f"docutils cannot read the option line {stripped!r}"
    return options, ""
