"""The bibliography works with the real tools: BibTeX and biber, then LaTeX on their output."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from paperrefs.entry import format_entry
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.paths import REPO, require_tool

pytestmark = [pytest.mark.tex, pytest.mark.slow]  # slow: BibTeX, biber and LaTeX

# Every special character, Unicode names and an organization, as a fetched paper could have.
SPECIALS = PaperMetadata(
    arxiv_id=parse_arxiv_id("2401.00001v2"),
    title="Achieving 90% of {GPT-4} & $x^2$ with C:\\temp_dir ~ #1 DeepSeekMath",
    authors=("DeepSeek-AI", "Jürgen Schmidhuber", "Kacper Kapuśniak", "Martin Luther King, Jr."),
    primary_category="cs.LG",
    journal_ref="R&D 100% #1",
    abstract=(
        "We show $p$ for $i \\in \\{1, \\dots, n\\}$: 100% & #1, an unbalanced { brace, "
        "a } and C:\\temp_dir ~ x^2."
    ),
)

BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{papers,specials}
\end{document}
"""

BIBER_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber]{biblatex}
\addbibresource{papers.bib}
\addbibresource{specials.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def project(tmp_path: Path, document: str) -> Path:
    shutil.copy(REPO / "bib" / "papers.bib", tmp_path / "papers.bib")
    (tmp_path / "specials.bib").write_text(format_entry("specials", SPECIALS), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    return tmp_path


def run(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=120
    )
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout[-3000:]}"
    return result


def latex(folder: Path) -> None:
    pdflatex = require_tool("pdflatex")
    run(folder, pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex")


def test_bibtex_reads_it_without_warnings_and_keeps_capitals(tmp_path: Path) -> None:
    bibtex = require_tool("bibtex")
    folder = project(tmp_path, BIBTEX_DOC)
    latex(folder)
    run(folder, bibtex, "doc")
    log = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert "You've used 41 entries" in log
    assert "Warning" not in log
    assert "error" not in log.lower()
    bbl = (folder / "doc.bbl").read_text(encoding="utf-8")
    for protected in ("{DeepSeekMath}:", "{LeanDojo}:", "{LLMs}", "{DeepSeek-V2}:", "{GPT-4}"):
        assert protected in bbl
    assert "Jürgen Schmidhuber" in bbl
    assert "Kapuśniak" in bbl
    assert r"90\% of" in bbl
    assert r"R\&D 100\% \#1" in bbl
    latex(folder)  # the escapes are valid LaTeX once BibTeX has copied them


def test_biber_reads_it_without_warnings(tmp_path: Path) -> None:
    biber = require_tool("biber")
    folder = project(tmp_path, BIBER_DOC)
    latex(folder)
    run(folder, biber, "--validate-datamodel", "doc")
    log = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert "WARN" not in log
    assert "ERROR" not in log
    assert "Found BibTeX data source 'papers.bib'" in log
    bbl = (folder / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == 41
    assert "{DeepSeek-AI}" in bbl or "DeepSeek-AI" in bbl
    latex(folder)
