"""The ``paperrefs`` command line: a thin layer over the core modules."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import paperrefs

DEFAULT_BIB = "bib/papers.bib"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
API_URL_ENV = "PAPERREFS_ARXIV_API"

EXIT_OK = 0
EXIT_UNRESOLVED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--bib",
        default=DEFAULT_BIB,
        metavar="PATH",
        help=f"bibliography file to read and update (default: {DEFAULT_BIB})",
    )
    common.add_argument(
        "--api-url",
        default=os.environ.get(API_URL_ENV, DEFAULT_API_URL),
        metavar="URL",
        help=f"arXiv API endpoint (default: ${API_URL_ENV} or {DEFAULT_API_URL})",
    )
    parser = argparse.ArgumentParser(
        prog="paperrefs",
        description="Turn arXiv IDs into a shared, deterministic BibTeX bibliography.",
        epilog="Exit codes: 0 all done; 1 some IDs could not be resolved; 2 bad usage or input.",
    )
    parser.add_argument("--version", action="version", version=f"paperrefs {paperrefs.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser(
        "add", parents=[common], help="fetch papers by arXiv ID and add them to the bibliography"
    )
    add.add_argument("ids", nargs="+", metavar="ID", help="arXiv ID or URL, in any accepted form")
    sync = commands.add_parser(
        "sync", parents=[common], help="fetch every arXiv ID cited in the notes that is missing"
    )
    sync.add_argument("--docs", default="docs", metavar="DIR", help="notes folder (default: docs)")
    check = commands.add_parser(
        "check", parents=[common], help="lint the bibliography and the notes"
    )
    check.add_argument("--docs", default="docs", metavar="DIR", help="notes folder (default: docs)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    print(f"paperrefs {args.command}: not available yet", file=sys.stderr)
    return EXIT_USAGE
