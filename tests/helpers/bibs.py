"""Bibliography texts tests start from, and readers of what the entry builder wrote."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A bibliography edited by hand, with every kind of block and an odd layout: whatever
# paperrefs reads or writes, each of these bytes must survive. Alpha2020 starts on line 8,
# zeta2021last on line 14; new arXiv entries sort between them. (tests/data/handwritten.bib
# is something else: the seed's papers that are not on arXiv, copied into bib/papers.bib.)
HAND_WRITTEN = """\
% My bibliography -- edited by hand.
@string{ nips = "Advances in Neural Information Processing Systems" }

@preamble{ "\\newcommand{\\noopsort}[1]{}" }

@comment{ jabref-meta: databaseType:bibtex; }

@Article{ Alpha2020 ,
    title={An   {Odd}   Layout},
  author = "Ann Alpha",
  journal = nips # { (NeurIPS)},
  year=2020}
% This one is about Zeta.
@misc{zeta2021last,
  title = {Last},
  ids = {zeta2021, OldKey},
  eprint = {arXiv:2104.00001v2},
}
% trailing comment
"""
HAND_WRITTEN_KEYS = ("Alpha2020", "zeta2021last")


def without_entries(text: str, keys: Iterable[str]) -> str:
    """``text`` without the entries ``keys`` that paperrefs inserted, each with the blank
    line that follows it: if nothing else changed, what is left is the file as it was."""
    for key in keys:
        start = text.index(f"@misc{{{key},")
        end = text.index("\n\n", start) + 2
        text = text[:start] + text[end:]
    return text


_OUR_ESCAPES = re.compile(
    r"\\text(backslash|braceleft|braceright|asciitilde|asciicircum)\{\}|\\([%&#_$])|[{}]"
)
_COMMANDS = {
    "backslash": "\\",
    "braceleft": "{",
    "braceright": "}",
    "asciitilde": "~",
    "asciicircum": "^",
}


def undo_escapes(latex: str) -> str:
    """The text a LaTeX reader sees: our escapes decoded, protection braces dropped."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _COMMANDS[match.group(1)]
        return match.group(2) or ""

    return _OUR_ESCAPES.sub(replace, latex)
