"""Regenerate bib/papers.bib from the verified seed metadata in tests/data/.

The arXiv entries come from tests/data/seed-papers.tsv through the same key and format
functions as `paperrefs add`, added in the file's order; the papers that are not on arXiv
come verbatim from tests/data/handwritten.bib.

    python scripts/seed_bib.py          # write bib/papers.bib if it differs
    python scripts/seed_bib.py --check  # exit 1 if bib/papers.bib is out of date
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from paperrefs.bibfile import insert_entries, parse_bib, read_bib
from paperrefs.fetching import plan_papers
from paperrefs.fsutil import atomic_write
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

REPO = Path(__file__).resolve().parent.parent
TSV = REPO / "tests" / "data" / "seed-papers.tsv"
HANDWRITTEN = REPO / "tests" / "data" / "handwritten.bib"
BIB = REPO / "bib" / "papers.bib"
HEADER = (
    "% The shared bibliography. Written by `paperrefs add` and `paperrefs sync`;"
    " hand edits survive.\n"
)


def read_seed_tsv(path: Path) -> list[PaperMetadata]:
    """Rows of arxiv_id, title, authors (;-separated), primary_category, journal_ref, doi."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [_paper(row) for row in rows]


def _paper(row: dict[str, str]) -> PaperMetadata:
    return PaperMetadata(
        # The bibliography cites the paper, not the version the notes read.
        arxiv_id=parse_arxiv_id(row["arxiv_id"]).unversioned,
        title=row["title"],
        authors=tuple(name.strip() for name in row["authors"].split(";")),
        primary_category=row["primary_category"],
        journal_ref=row["journal_ref"] or None,
        doi=row["doi"] or None,
    )


def build(bib: Path = BIB) -> str:
    """The full text of the seed bibliography."""
    document = parse_bib(HEADER, bib)
    handwritten = [(entry.key, entry.text + "\n") for entry in read_bib(HANDWRITTEN).entries]
    document = parse_bib(insert_entries(document, handwritten), bib)
    _, new = plan_papers(document, read_seed_tsv(TSV))
    return insert_entries(document, new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("--bib", type=Path, default=BIB, help="output (default: bib/papers.bib)")
    args = parser.parse_args(argv)
    data = build(args.bib).encode("utf-8")
    current = args.bib.read_bytes() if args.bib.exists() else b""
    if data == current:
        return 0
    if args.check:
        print(f"{args.bib} is out of date: run python scripts/seed_bib.py", file=sys.stderr)
        return 1
    atomic_write(args.bib, data)
    print(f"wrote {args.bib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
