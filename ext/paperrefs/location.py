"""Where something is: a file, and a line in it when the problem has one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """``path:line`` (``line`` 1-based), or the whole file when ``line`` is 0."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line > 0 else str(self.path)
