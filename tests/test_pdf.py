"""The PDF, compiled the way Read the Docs compiles it, and the builders that leave out pages.

Read the Docs runs the ``latex`` builder, then in its output folder
``latexmk -r latexmkrc -pdf|-pdfxe|-pdflua -f -dvi- -ps- -jobname=SLUG -interaction=nonstopmode``
with the engine flag that follows ``latex_engine``. Here the same command runs on this
site and on a site whose metadata holds every script arXiv sends; the PDF's text is read
back and each character must be there, or its documented stand-in ``[U+XXXX]``.

The ``latex`` builder writes only the documents of its toctree: every paper page and any
note marked ``orphan`` has no address in the PDF. Links to them must become the paper's
own link or plain text, never a crash.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.helpers.paths import REPO, copy_root, require_tool
from tests.helpers.sphinx import MakeApp, build, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds; LaTeX

ENGINE_FLAGS = {"lualatex": "-pdflua", "xelatex": "-pdfxe"}
# pdftotext marks each right-to-left run with embedding controls; they are not text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
STAND_IN = re.compile(r"\[U\+[0-9A-F]{4,6}\]")


def latex_engine(outdir: Path) -> str:
    """The engine Sphinx wrote into the latexmkrc, as Read the Docs reads latex_engine."""
    rc = (outdir / "latexmkrc").read_text(encoding="utf-8")
    match = re.search(r"^\$pdflatex = '(\w+)", rc, re.M)
    assert match, rc
    return match[1]


def latexmk_as_read_the_docs(outdir: Path, slug: str) -> str:
    """Compile the PDF exactly as Read the Docs does and return its text, normalized."""
    latexmk = require_tool("latexmk")
    pdftotext = require_tool("pdftotext")
    flag = ENGINE_FLAGS.get(latex_engine(outdir), "-pdf")
    command = [latexmk, "-r", "latexmkrc", flag, "-f", "-dvi-", "-ps-", f"-jobname={slug}"]
    command.append("-interaction=nonstopmode")
    result = subprocess.run(
        command, cwd=outdir, capture_output=True, text=True, errors="replace", timeout=900
    )
    log = (outdir / f"{slug}.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0, (errors, result.stdout[-3000:])
    assert "Missing character" not in log  # nothing dropped silently
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", f"{slug}.pdf", "-"],
        cwd=outdir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(unicodedata.normalize("NFKC", BIDI_CONTROLS.sub("", text)).split())


def present(text: str, expected: str) -> bool:
    return unicodedata.normalize("NFKC", expected) in text


ORPHAN_NOTE = """---
orphan: true
---

# Drafts

## Trust Region Policy Optimization, again
```{paper} 1502.05477
:added: 2024-07-10
```
- cites {arxiv}`1707.06347` and {cite}`sutton2018reinforcement`
"""


def with_orphan_note(site: Path) -> Path:
    (site / "notes" / "drafts.md").write_text(ORPHAN_NOTE, encoding="utf-8")
    return site


@pytest.mark.parametrize("builder", ["latex", "epub", "texinfo", "singlehtml"])
def test_an_orphan_note_never_crashes_a_builder(
    make_app: MakeApp, site: Path, builder: str
) -> None:
    app = build(make_app, with_orphan_note(site), builder)
    assert warnings_of(app) == ""


def test_in_the_pdf_links_to_an_orphan_note_are_its_title(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, with_orphan_note(site), "latex")
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    # The changelog names the note and its page without linking to either.
    assert "Trust Region Policy Optimization, again" in tex
    assert "(new note, in Drafts)" in tex
    assert "notes/drafts" not in tex
    # Paper pages are left out too: citations link to arXiv.
    assert r"\sphinxhref{https://arxiv.org/abs/1707.06347}" in tex


@pytest.mark.tex
def test_this_sites_pdf_compiles_as_read_the_docs_builds_it(tmp_path: Path) -> None:
    outdir = tmp_path / "pdf"
    command = [sys.executable, "-m", "sphinx", "-T", "-q", "-b", "latex", "-D", "language=en"]
    command += ["-d", str(tmp_path / "doctrees"), str(REPO / "docs"), str(outdir)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = latexmk_as_read_the_docs(outdir, "paperrefs")
    for quoted in ("∼100B parameters", "≤ 1.10 × F", "pages × topic pages", "Jürgen Schmidhuber"):
        assert present(text, quoted), quoted
    assert not STAND_IN.search(text)  # every character of this site has a font
    # The SVG plot cannot go into a PDF: its description stands in for it.
    assert "[Clean build time against corpus size, log-log: performance.svg," in text


# Each character as the bib and the notes hold it (combining marks decomposed), and where
# no font has one, the stand-in the PDF shows instead.
SCRIPTS = {
    "Greek": ["ωTest: WebView-Oriented", "ε ≤ δ"],  # the title's math, read as text
    "math symbols": ["k ≤ n", "x ∼ p", "an ∞ horizon"],
    "CJK": ["大规模语言模型的对齐", "日本語の要約", "한국어 평가", "张伟", "山田太郎", "김민준"],
    "emoji": ["🚀 Rocket: training at 🤗 speed", "ships 🚀 and 🤗"],
    "right to left": ["עברית", "العربية", "שלום", "مرحبا", "כהן", "محمد علي"],
    "combining marks": ["Cafe\u0301 na\u0308ive man\u0303ana", "C\u0327elik and Nu\u0303n\u0303ez"],
    "math": ["𝜔 ≤ ∞, 𝑥 ∼ 𝑝, 🚀,"],
    "stand-in": ["Reading Linear B [U+10000] tablets", "the sign [U+10000] itself"],
}


@pytest.mark.tex
def test_metadata_in_every_script_prints_in_the_pdf(make_app: MakeApp, tmp_path: Path) -> None:
    app = build(make_app, copy_root("pdf-scripts", tmp_path), "latex")
    assert warnings_of(app) == ""
    text = latexmk_as_read_the_docs(Path(app.outdir), "scripts")
    missing = {
        script: [s for s in strings if not present(text, s)] for script, strings in SCRIPTS.items()
    }
    assert {script: lost for script, lost in missing.items() if lost} == {}


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>'
# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def test_an_image_the_pdf_cannot_hold_becomes_its_description(
    make_app: MakeApp, site: Path
) -> None:
    (site / "plot.svg").write_text(SVG, encoding="utf-8")
    (site / "both.svg").write_text(SVG, encoding="utf-8")
    (site / "both.png").write_bytes(PNG)
    page = site / "notes" / "policy.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![A plot](../plot.svg)\n\n![Both](../both.*)\n",
        encoding="utf-8",
    )
    app = build(make_app, site, "latex")
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\sphinxstyleemphasis{{[}A plot: plot.svg, in the online version{]}}" in tex
    assert r"\sphinxincludegraphics{{both}.png}" in tex  # a format it takes is kept
    assert "plot}.svg" not in tex
    warnings = warnings_of(app)
    assert "plot.svg cannot go into the PDF" in warnings
    assert "[paperrefs.image]" in warnings
    assert "both" not in warnings
    html_app = build(make_app, site, "html")
    assert "cannot go into the PDF" not in warnings_of(html_app)
