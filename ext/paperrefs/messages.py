"""Every warning the extension emits goes through :func:`warn`, with a documented subtype.

Users silence one kind with ``suppress_warnings = ["paperrefs.unresolved"]``.
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

logger = logging.getLogger("paperrefs")

SYNC_HINT = "add it with `paperrefs add ID` or `paperrefs sync`"

SUBTYPES = {
    "unresolved": "an arXiv ID or bib key that bib/papers.bib does not hold",
    "bad_id": "text given as an arXiv ID that is not one",
    "date": "a missing or invalid :added: or :updated: date",
    "bib": "bib/papers.bib cannot be read (syntax error, duplicate key, encoding)",
    "fetch": "fetching from arXiv failed during an opted-in build",
    "config": "an invalid paperrefs_* setting",
    "feed": "the Atom feed cannot be written (no base URL)",
}


def warn(subtype: str, message: str, location: Any = None) -> None:
    """Log a warning of type ``paperrefs`` and the given subtype at a source location."""
    assert subtype in SUBTYPES, subtype
    logger.warning(message, location=location, type="paperrefs", subtype=subtype)
