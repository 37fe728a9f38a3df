"""The PDF: LuaLaTeX with fonts for every script, and no character lost.

Titles and author names from arXiv hold Greek letters, math symbols, CJK, emoji, Hebrew,
Arabic and combining marks; pdflatex stops at the first it has no definition for. With
LuaLaTeX (the default engine here), ``paperrefs.sty`` gives each font family a fallback
chain built from the fonts the machine has, lets babel shape Hebrew and Arabic and run
them right to left, and, through ``paperrefs.lua``, prints a character that no font holds
as ``[U+XXXX]``. Both files are written next to the ``.tex`` file. An image LaTeX cannot
include (SVG, GIF, WebP) becomes its description instead of stopping the PDF.

Sites whose language makes Sphinx choose another engine (uplatex for Japanese, xelatex for
Chinese or Greek) keep it, and get none of these defaults.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform

from paperrefs.fsutil import write_if_changed
from paperrefs.sphinxext.warnings import Warn, warn

ENGINE = "lualatex"
PACKAGE = "paperrefs"
SUPPORT = Path(__file__).parent / "latex"
SUPPORT_FILES = ("paperrefs.sty", "paperrefs.lua")

# Sphinx's own LuaLaTeX fonts (the FreeSerif family, as Times-like as the pdflatex default),
# and Latin Modern Math through unicode-math, so that ω or ≤ typed in math prints too.
FONTS = r"""
\setmainfont{FreeSerif}[
  Extension      = .otf,
  UprightFont    = *,
  ItalicFont     = *Italic,
  BoldFont       = *Bold,
  BoldItalicFont = *BoldItalic
]
\setsansfont{FreeSans}[
  Extension      = .otf,
  UprightFont    = *,
  ItalicFont     = *Oblique,
  BoldFont       = *Bold,
  BoldItalicFont = *BoldOblique,
]
\setmonofont{FreeMono}[Scale=0.9,
  Extension      = .otf,
  UprightFont    = *,
  ItalicFont     = *Oblique,
  BoldFont       = *Bold,
  BoldItalicFont = *BoldOblique,
]
\usepackage{unicode-math}
"""

LATEX_ELEMENTS = {
    # fontspec as Sphinx loads it, then the fallback chains every font loaded later gets.
    "fontenc": (
        "\\usepackage{fontspec}\n"
        "\\defaultfontfeatures[\\rmfamily,\\sffamily,\\ttfamily]{}\n"
        "\\usepackage{paperrefs}"
    ),
    # babel instead of polyglossia: with bidi=basic, right-to-left runs inside a line.
    "babel": "\\usepackage[bidi=basic]{babel}",
    "fontpkg": FONTS,
}


def write_support_files(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: ``paperrefs.sty`` and ``paperrefs.lua`` beside the ``.tex``."""
    if exception is not None or app.builder.name != "latex" or app.config.latex_engine != ENGINE:
        return
    for name in SUPPORT_FILES:
        write_if_changed(Path(app.outdir) / name, (SUPPORT / name).read_bytes())


class ImagesThePdfCannotHold(SphinxPostTransform):
    """An image in a format the LaTeX builder cannot include becomes its description.

    LaTeX stops at ``\\includegraphics`` of an SVG ("Unknown graphics extension"). Runs
    after Sphinx's image converters (``sphinx.ext.imgconverter`` and the like, priority
    200), so an image one of them converted is kept.
    """

    default_priority = 250
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        supported = set(LaTeXBuilder.supported_image_types)
        for image in list(self.document.findall(nodes.image)):
            candidates: dict[str, str] = image.get("candidates", {})
            if "?" in candidates:
                continue  # remote or inline data: Sphinx decides
            kinds = {
                mimetypes.guess_type(path)[0] if kind == "*" else kind
                for kind, path in candidates.items()
            }
            if not kinds or None in kinds or kinds & supported:
                continue
            uri = image["uri"]
            name = Path(uri).name
            where = f"{image.source}:{image.line}" if image.source and image.line else None
            warn(
                Warn.IMAGE,
                f"{name} cannot go into the PDF (it takes PDF, PNG or JPEG images); the PDF "
                f"shows its description. Add a PDF or PNG beside it and write {Path(name).stem}.*",
                where,
            )
            description = image.get("alt") or name
            stand_in = nodes.emphasis("", f"[{description}: {name}, in the online version]")
            if isinstance(image.parent, nodes.TextElement):
                image.replace_self(stand_in)
            else:
                image.replace_self(nodes.paragraph("", "", stand_in))
