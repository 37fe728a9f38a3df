"""bib/papers.bib is exactly what the verified seed metadata and the formatter give."""

from __future__ import annotations

import csv
import subprocess
import sys

import pybtex.errors
import pytest
from paperrefs.bibfile import BibDocument, read_bib
from paperrefs.entry import format_entry, make_key
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata
from pybtex.database.input.bibtex import Parser

from tests.helpers.paths import DATA, REPO

BIB = REPO / "bib" / "papers.bib"
TSV = DATA / "seed-papers.tsv"
HANDWRITTEN = DATA / "handwritten.bib"
HANDWRITTEN_KEYS = [
    "akrour2011preference",
    "schoenauer2014programming",
    "sutton2018reinforcement",
    "wilson2012bayesian",
]


def seed_rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


def metadata(row: dict[str, str]) -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id(row["arxiv_id"]).unversioned,
        title=row["title"],
        authors=tuple(name.strip() for name in row["authors"].split(";")),
        primary_category=row["primary_category"],
        journal_ref=row["journal_ref"] or None,
        doi=row["doi"] or None,
    )


@pytest.fixture(scope="module")
def document() -> BibDocument:
    return read_bib(BIB)


def test_the_seed_table_has_every_arxiv_paper_of_the_notes() -> None:
    rows = seed_rows()
    assert len(rows) == 36
    assert list(rows[0]) == [
        "arxiv_id",
        "title",
        "authors",
        "primary_category",
        "journal_ref",
        "doi",
    ]
    versioned = [row["arxiv_id"] for row in rows if "v" in row["arxiv_id"]]
    assert versioned == ["2406.03847v2", "2405.14333v1", "2401.14404v1"]
    assert not [row for row in rows if row["doi"].startswith("10.48550/")]


def test_every_arxiv_entry_is_exactly_the_formatter_output(document: BibDocument) -> None:
    taken = set(HANDWRITTEN_KEYS)
    for row in seed_rows():
        meta = metadata(row)
        key = make_key(meta, taken)  # keys are made in the table's order
        taken.add(key)
        entry = document.by_eprint(meta.arxiv_id.base)
        assert entry is not None, row["arxiv_id"]
        assert entry.key == key
        assert entry.text + "\n" == format_entry(key, meta)


def test_the_hand_written_entries_are_copied_verbatim(document: BibDocument) -> None:
    for original in read_bib(HANDWRITTEN).entries:
        copy = document.get(original.key)
        assert copy is not None
        assert copy.text == original.text
    assert [entry.key for entry in read_bib(HANDWRITTEN).entries] == HANDWRITTEN_KEYS


def test_forty_entries_sorted_by_key_under_a_header(document: BibDocument) -> None:
    keys = document.keys()
    assert len(keys) == 40
    assert keys == sorted(keys, key=str.lower)
    assert {"rafailov2023direct", "schulman2017proximal", "sutton2018reinforcement"} <= set(keys)
    assert document.text.startswith("% ")
    assert not document.has_bom
    assert document.newline == "\n"


def test_the_script_regenerates_the_same_bytes() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "seed_bib.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_pybtex_reads_all_forty_without_a_warning() -> None:
    with pybtex.errors.capture() as problems:
        data = Parser().parse_file(str(BIB))
    assert problems == []
    assert len(data.entries) == 40
    deepseek = data.entries["deepseekai2024deepseekv2"]
    assert str(deepseek.persons["author"][0]) == "{DeepSeek-AI}"
    assert len(deepseek.persons["author"]) == 157
