"""Plain text from BibTeX values, and the small text rules every layer shares.

Sphinx-free. Field values in the bib are LaTeX; pages, tooltips and feeds need text,
so values are converted here and only ever leave as text (never markup).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

SNIPPET_LENGTH = 160  # characters of a note quoted beside a link to it
PREVIEW_ABSTRACT_LENGTH = 240  # characters of an abstract in a citation's hover preview

_SPACES = re.compile(r"\s+")
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_ANCHOR_UNSAFE = re.compile(r"[^a-z0-9]+")
# Anything pylatexenc would turn into something else than itself: macros, math, specials,
# ligatures (``--``, ``''``, ``?` ``). Braces alone only group, so they are simply dropped.
_NEEDS_LATEX = re.compile(r"[\\$%&#^_~`]|--|''")


# Inline TeX math as titles and abstracts write it: $$...$$, \\(...\\) and $...$, where a
# single dollar opens before a non-space and closes after one, not followed by a digit
# ("costs $5 and $10" stays text, as in pandoc). An escaped dollar never delimits.
_INLINE_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<!\\)\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)"
)
# Macros MathJax turns into links, styles, HTML attributes or page-wide definitions: math
# from untrusted metadata holding one of them is shown as text, never handed to MathJax.
_UNSAFE_MATH = re.compile(
    r"\\(?:href|url|class|cssId|style|html[A-Za-z]*|require|unicode|data|mmlToken|bbox"
    r"|toggle|mathtip|texttip|action|tag|label|ref|eqref|def|gdef|edef|xdef|let"
    r"|newcommand|renewcommand|providecommand|newenvironment|renewenvironment"
    r"|DeclareMathOperator|Newextarrow|begingroup|endgroup)(?![A-Za-z])"
)
# The escapes authors write in the text around math, read as the characters they stand for.
_TEXT_ESCAPES = re.compile(r"\\([$%&#_])")


@dataclass(frozen=True)
class Segment:
    """A run of a title or abstract: plain text, or the TeX source of inline math."""

    text: str
    math: bool = False


def tex_segments(text: str) -> list[Segment]:
    """``text`` split into plain runs and inline math, in order; adjacent runs never both text.

    Math holding a macro MathJax could turn into markup stays text, delimiters and all.
    """
    segments: list[Segment] = []
    position = 0
    for match in _INLINE_MATH.finditer(text):
        tex = match["display"] or match["paren"] or match["inline"]
        if _UNSAFE_MATH.search(tex):
            continue
        if match.start() > position:
            segments.append(Segment(_unescape(text[position : match.start()])))
        segments.append(Segment(tex, math=True))
        position = match.end()
    if position < len(text):
        segments.append(Segment(_unescape(text[position:])))
    return segments


def tex_to_plain(text: str) -> str:
    """A title or abstract as plain text: its math read as Unicode (``$\\omega$`` is ω)."""
    if "$" not in text and "\\" not in text:
        return text
    return one_line(
        "".join(
            math_to_plain(segment.text) if segment.math else segment.text
            for segment in tex_segments(text)
        )
    )


def math_to_plain(tex: str) -> str:
    """Inline math as text: Greek letters and symbols as Unicode, the rest as written."""
    try:
        text = math_converter().latex_to_text(tex)
    except Exception:  # pylatexenc raises assorted errors on odd input; keep the source
        text = tex
    return one_line(text)


def _unescape(text: str) -> str:
    return _TEXT_ESCAPES.sub(r"\1", text)


@cache
def math_converter() -> LatexNodes2Text:
    """pylatexenc reading math as text, for the plain form of titles and abstracts."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


@cache
def latex_converter() -> LatexNodes2Text:
    """pylatexenc, taught the literal-character macros the entry writer uses.

    Out of the box it drops ``\\textbraceleft{}`` and turns ``\\textasciicircum{}`` into a
    modifier letter, so a title with braces or a caret would not read back as written.
    Built on first use: the command line mostly never converts LaTeX and should not pay
    for importing pylatexenc.
    """
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db()
    literals = {"textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^"}
    context.add_context_category(
        "paperrefs-literals",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in literals.items()],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


def one_line(text: str) -> str:
    """Whitespace runs collapsed to single spaces, ends stripped."""
    return _SPACES.sub(" ", text).strip()


def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into one line of plain text."""
    # pylatexenc costs about a millisecond a value, on every build: at 10,000 entries that
    # was half a minute before even a no-op build could start. Most values are plain text.
    if not _NEEDS_LATEX.search(value) and _balanced(value):
        return one_line(value.replace("{", "").replace("}", ""))
    try:
        text = latex_converter().latex_to_text(value)
    except Exception:  # pylatexenc raises assorted errors on odd input; keep the raw value
        text = value
    return one_line(text)


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        if char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def is_web_url(url: str) -> bool:
    """Only http(s) URLs ever become links; ``javascript:``, ``data:``, ``file:`` never do."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def page_slug(key: str) -> str:
    """File-system and URL safe name of a paper's page (keys may hold ``:`` or ``/``)."""
    return _SLUG_UNSAFE.sub("-", key)


def anchor_slug(name: str) -> str:
    """Lower-case letters, digits and dashes: an HTML id or class made from a document name."""
    return _ANCHOR_UNSAFE.sub("-", name.lower()).strip("-")


def human_date(day: str) -> str:
    """``2024-07-04`` as people read it: ``4 July 2024``."""
    return datetime.date.fromisoformat(day).strftime("%-d %B %Y")


def shorten(text: str, limit: int = SNIPPET_LENGTH) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters plus "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
