"""Every warning the extension emits goes through :func:`warn`, with a documented subtype;
the few progress lines it prints go through :func:`status`, on the same logger.

Users silence one kind with ``suppress_warnings = ["paperrefs.unresolved"]``; the table
in ``docs/howto/paperrefs.md`` lists exactly the members of :class:`Warn` (a test checks).
"""

from __future__ import annotations

from enum import StrEnum

from docutils.nodes import Node
from sphinx.util import logging

from paperrefs.location import Location

logger = logging.getLogger("paperrefs")

SYNC_HINT = "add it with `paperrefs add ID` or `paperrefs sync`"


class Warn(StrEnum):
    """The subtypes of warnings of type ``paperrefs``."""

    UNRESOLVED = "unresolved"  # an arXiv ID or key the bibliography does not hold
    BAD_ID = "bad_id"  # text given as an arXiv ID that is not one
    DATE = "date"  # a missing, invalid or out-of-order :added: / :updated: date
    BIB = "bib"  # a part of the bibliography that cannot be read
    FETCH = "fetch"  # an opted-in fetch from arXiv that failed
    CONFIG = "config"  # an invalid paperrefs_* setting
    FEED = "feed"  # the Atom feed cannot be written (no base URL)
    IMAGE = "image"  # an image the PDF cannot hold (SVG, GIF...), shown as its description


def warn(subtype: Warn, message: str, location: str | Location | Node | None = None) -> None:
    """Log a warning of type ``paperrefs`` and the given subtype at a source location.

    ``location`` is what Sphinx accepts (a ``"path:line"`` string, or a node, whose source
    and line it reads) or a :class:`~paperrefs.location.Location`.
    """
    where = str(location) if isinstance(location, Location) else location
    logger.warning(message, location=where, type="paperrefs", subtype=subtype.value)


def status(message: str) -> None:
    """A line of the build's progress output (``-q`` hides it), never a warning."""
    logger.info(message)
