"""Sphinx configuration for the ML paper notes site."""

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

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "paperrefs",
]

bibtex_bibfiles = ["../bib/papers.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# The PDF: \mathscr (in the DPO loss) needs its font package, and pdflatex needs to be
# told how to print the few Unicode symbols the notes quote.
latex_elements = {
    "preamble": r"""
\usepackage{mathrsfs}
\DeclareUnicodeCharacter{223C}{\ensuremath{\sim}}
""",
}

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
