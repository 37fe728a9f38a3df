"""Sphinx configuration for the ML paper notes site.

Only what is this site's own: paperrefs supplies the rest (author-year citations, MathJax
served from the site, one search field in the book theme, a PDF that prints every
script), as listed in docs/howto/paperrefs.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent.resolve()
# Lets a plain checkout build without installing the package first.
sys.path.insert(0, str(HERE.parent / "ext"))

project = "ML paper notes"
author = "The paperrefs authors"
copyright = "2024-2026, the paperrefs authors"
version = release = "2024.7"

extensions = ["myst_parser", "sphinx_design", "paperrefs"]  # paperrefs loads sphinxcontrib-bibtex

bibtex_bibfiles = ["../bib/papers.bib"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# The PDF: the DPO loss writes \mathscr, drawn as MathJax draws it on the site.
latex_elements = {"preamble": r"\usepackage{mathrsfs}"}

html_theme = "sphinx_book_theme"
html_title = "ML paper notes"
html_baseurl = os.environ.get(
    "READTHEDOCS_CANONICAL_URL", "https://paperrefs.readthedocs.io/en/latest/"
)
html_theme_options = {
    "repository_branch": "main",
    "path_to_docs": "docs",
    "show_toc_level": 2,
}
