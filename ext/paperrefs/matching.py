"""Which files of a source folder Sphinx reads: ``exclude_patterns`` as Sphinx matches them.

The same glob dialect as ``sphinx.util.matching``, without importing Sphinx: a pattern
matches a whole path relative to the source folder, written with ``/``; ``*`` and ``?``
do not match ``/``, ``**`` matches anything including ``/``; ``[...]`` is a character
class (``[!...]`` negated, and never matching ``/``). A folder that matches an exclude
pattern is not entered at all, so ``drafts`` or ``drafts/*`` leave out everything below
``drafts/``, while ``drafts/*.md`` leaves out only the files directly in it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

# Paths Sphinx itself always leaves out (sphinx.project.EXCLUDE_PATHS).
ALWAYS_EXCLUDED = ("**/_sources", ".#*", "**/.#*", "*.lproj/**")

Matcher = Callable[[str], bool]


def translate(pattern: str) -> str:
    """The regular expression of a glob pattern, as Sphinx translates it."""
    index, end = 0, len(pattern)
    result = ""
    while index < end:
        char = pattern[index]
        index += 1
        if char == "*":
            if index < end and pattern[index] == "*":
                index += 1
                result += ".*"
            else:
                result += "[^/]*"
        elif char == "?":
            result += "[^/]"
        elif char == "[":
            close = index
            if close < end and pattern[close] == "!":
                close += 1
            if close < end and pattern[close] == "]":
                close += 1
            while close < end and pattern[close] != "]":
                close += 1
            if close >= end:
                result += "\\["
            else:
                inside = pattern[index:close].replace("\\", "\\\\")
                index = close + 1
                if inside[0] == "!":
                    inside = "^/" + inside[1:]
                elif inside[0] == "^":
                    inside = "\\" + inside
                result += f"[{inside}]"
        else:
            result += re.escape(char)
    return result + "$"


def matcher(patterns: Iterable[str]) -> Matcher:
    """True for a relative ``/``-separated path that any of ``patterns`` matches."""
    compiled = [re.compile(translate(pattern)).match for pattern in patterns]
    return lambda path: any(match(path) for match in compiled)


def matching_files(
    root: Path, include: Iterable[str] = ("**",), exclude: Iterable[str] = ()
) -> Iterator[str]:
    """Every file under ``root`` that Sphinx would consider, as a relative ``/`` path.

    Like ``sphinx.util.matching.get_matching_files``: files must match an include pattern
    and no exclude pattern; folders matching an exclude pattern are not walked into.
    """
    is_included = matcher(include)
    is_excluded = matcher([*exclude, *ALWAYS_EXCLUDED])
    for folder, dirs, files in os.walk(root, followlinks=True):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else Path(relative).as_posix() + "/"
        for name in sorted(files):
            path = _nfc(prefix + name)
            if is_included(path) and not is_excluded(path):
                yield path
        dirs[:] = [name for name in sorted(dirs) if not is_excluded(_nfc(prefix + name))]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
