"""Entries made from DOI records, of every type, read by BibTeX, biber and pybtex cleanly,
with each surname where its owner puts it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from paperrefs.csl import parse_csl
from paperrefs.entry import format_work, work_key
from pybtex.database import parse_file

from tests.helpers.fake_doi import FIXTURES
from tests.helpers.paths import require_tool

pytestmark = [pytest.mark.tex, pytest.mark.slow]  # slow: BibTeX, biber and LaTeX

NAMES = [
    {"family": "Del Maestro", "given": "Adrian"},
    {"family": "Maaten", "given": "Laurens", "non-dropping-particle": "van der"},
    {"family": "Di Giovanni", "given": "Francesco"},
    {"family": "De Freitas", "given": "Nando"},
    {"family": "Le", "given": "Quoc V."},
    {"literal": "DeepSeek-AI"},
]
# (CSL type, container) for each kind of entry a DOI record can become.
KINDS = [
    ("article-journal", "Physical Review Letters"),
    ("paper-conference", "Proceedings of ICML"),
    ("chapter", "Handbook of Things"),
    ("book", ""),
    ("report", ""),
    ("thesis", ""),
    ("dataset", ""),
    ("posted-content", ""),
]
DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
%s
\begin{document}
\nocite{*}
%s
\end{document}
"""


def works_bib(folder: Path) -> Path:
    base = json.loads((FIXTURES / "csl_datacite_10.5281_zenodo.30799.json").read_bytes())
    entries, taken = [], []
    for number, (kind, container) in enumerate(KINDS):
        record = {
            **base,
            "type": kind,
            "DOI": f"10.5281/zenodo.{number}",
            "author": NAMES,
            "container-title": container,
            # A volume and an issue together: BibTeX's styles take both only for articles.
            "volume": "12",
            "issue": "3",
            "page": "101-117",
            "title": f"Works of kind {kind}: <i>Testing</i> &amp; H<sub>2</sub>O",
        }
        work = parse_csl(json.dumps(record).encode())
        key = work_key(work, taken)
        taken.append(key)
        entries.append(format_work(key, work))
    path = folder / "works.bib"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def run(folder: Path, *command: str) -> None:
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, errors="replace")
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout[-3000:]}"


def test_bibtex_reads_every_kind_without_warnings(tmp_path: Path) -> None:
    works_bib(tmp_path)
    doc = DOCUMENT % ("", r"\bibliographystyle{plain}\bibliography{works}")
    (tmp_path / "doc.tex").write_text(doc, encoding="utf-8")
    run(tmp_path, require_tool("pdflatex"), "-interaction=nonstopmode", "doc.tex")
    run(tmp_path, require_tool("bibtex"), "doc")
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert f"You've used {len(KINDS)} entries" in log
    assert "Warning" not in log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "Adrian Del~Maestro" in bbl  # First von Last, as plain.bst prints a name
    assert "Laurens van~der Maaten" in bbl


def test_biber_reads_every_kind_without_warnings(tmp_path: Path) -> None:
    works_bib(tmp_path)
    preamble = r"\usepackage[backend=biber]{biblatex}\addbibresource{works.bib}"
    (tmp_path / "doc.tex").write_text(DOCUMENT % (preamble, r"\printbibliography"), "utf-8")
    run(tmp_path, require_tool("pdflatex"), "-interaction=nonstopmode", "doc.tex")
    run(tmp_path, require_tool("biber"), "--validate-datamodel", "doc")
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert "WARN" not in log
    assert "ERROR" not in log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == len(KINDS)
    assert "family={Del\\bibnamedelima Maestro}" in bbl
    assert "family={Maaten}" in bbl
    assert "prefix={van\\bibnamedelima der}" in bbl


def test_pybtex_finds_each_surname(tmp_path: Path) -> None:
    database = parse_file(str(works_bib(tmp_path)), bib_format="bibtex")
    for entry in database.entries.values():
        people = entry.persons["author"]
        assert [" ".join(person.last_names) for person in people] == [
            "Del Maestro",
            "Maaten",
            "Di Giovanni",
            "De Freitas",
            "Le",
            "{DeepSeek-AI}",
        ]
        assert " ".join(people[1].prelast_names) == "van der"
