"""Bibliography texts tests start from, and readers of what the entry builder wrote."""

from __future__ import annotations

import re

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
