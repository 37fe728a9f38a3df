"""paperrefs: arXiv IDs to a shared BibTeX bibliography and a cross-referenced Sphinx site.

Importing the package never imports Sphinx: the command line and the core modules
work without it. Sphinx loads the extension through :func:`setup`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"


def setup(app: Sphinx) -> ExtensionMetadata:
    """Entry point for ``extensions = ["paperrefs"]`` in a Sphinx ``conf.py``."""
    from paperrefs.sphinxext import setup as setup_extension

    return setup_extension(app)
