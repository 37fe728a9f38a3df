"""Sphinx configuration for the ML paper notes site."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent.resolve()
# Lets a plain checkout build without installing the package first.
sys.path.insert(0, str(HERE.parent / "ext"))

project = "ML paper notes"
author = "The paperrefs authors"
copyright = "2024-2026, the paperrefs authors"
version = release = "2024.7"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "paperrefs",
]

bibtex_bibfiles = ["../bib/papers.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

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
    # The book theme keeps search in the sidebar; without this the parent theme adds a
    # second search field in a header bar of its own.
    "navbar_persistent": [],
}
# Without a default the parent theme logs a console error on a reader's first visit.
html_context = {"default_mode": "auto"}

# MathJax served from the site itself, so math renders offline and without a third-party
# CDN. The files come from the sphinx-mathjax-offline package; its own Sphinx hook is not
# used because it copies all 24 MB (every MathJax bundle) into each build and does not
# declare parallel safety, which fails `-j auto -W`. Only the bundle the pages load, and
# what it loads on demand (TeX extensions, fonts, menu, accessibility), is copied.
MATHJAX_FILES = Path(str(importlib.import_module("sphinx-mathjax-offline").__file__)).parent
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "a11y", "ui", "sre")
mathjax_path = "mathjax/tex-chtml.js"


def copy_mathjax(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in {"html", "dirhtml", "singlehtml"}:
        return
    source = MATHJAX_FILES / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def setup(app: Any) -> None:
    app.connect("build-finished", copy_mathjax)
