"""Read a broken bibliography for a build: keep every entry that parses, report the rest.

The command line refuses to write to a bib it cannot parse. A build is different: it
should still produce every page it can and say exactly where the bib is broken. So a
build reads the bib strictly, and only when that fails drops the broken entries one at
a time, blanking their lines so that later line numbers stay true, until the rest parses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from paperrefs.bibfile import BibEntry, BibError, decode_bib, parse_bib

_BLOCK_START = re.compile(r"^[ \t]*@", re.MULTILINE)


@dataclass
class Salvaged:
    """What a build can use of a bib file, and what it had to leave out."""

    entries: list[BibEntry] = field(default_factory=list)
    problems: list[BibError] = field(default_factory=list)
    text: str = ""  # the text the entries were read from, UTF-8, broken blocks blanked

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


def salvage_bib(path: Path) -> Salvaged:
    """Every entry of ``path`` that parses; a missing file reads as an empty one.

    Raises OSError when the file exists but cannot be read.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Salvaged()
    return salvage_bytes(data, path)


def salvage_bytes(data: bytes, path: Path, known: Mapping[str, BibEntry] | None = None) -> Salvaged:
    """Every entry of a bib file's bytes that parses; ``path`` only locates problems.

    ``known``: entries read before, by their text (see :func:`paperrefs.bibfile.parse_bib`).
    """
    salvaged = Salvaged()
    try:
        text = decode_bib(data, path)
    except BibError as error:
        salvaged.problems.append(error)
        text = data.decode("utf-8", errors="replace")
    while True:
        try:
            salvaged.entries = parse_bib(text, path, known).entries
            salvaged.text = text
            return salvaged
        except BibError as error:
            salvaged.problems.append(error)
            blanked = blank_block(text, error.line)
            if blanked == text:  # nothing left to drop that would help
                salvaged.text = ""
                return salvaged
            text = blanked


def blank_block(text: str, line: int) -> str:
    """``text`` with the block holding 1-based ``line`` (from its ``@`` to the next) emptied.

    The block's lines become empty lines, so every other line keeps its number.
    """
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        return text
    starts = [text.count("\n", 0, match.start()) + 1 for match in _BLOCK_START.finditer(text)]
    first = max((start for start in starts if start <= line), default=line)
    last = min((start for start in starts if start > line), default=len(lines) + 1) - 1
    for index in range(first - 1, last):
        ending = lines[index][len(lines[index].rstrip("\r\n")) :]
        lines[index] = ending
    return "".join(lines)
