"""The ``paperrefs`` command line: a thin layer over the core modules.

Keys go to standard output, one per line; everything meant for a person goes to
standard error. Exit codes: 0 all done, 1 some IDs unresolved (the rest written),
2 bad usage or bad input.

Every command first finds its site (:mod:`paperrefs.project`): the conf.py from the
current folder up, and from it the bibliography and the notes, as a build takes them.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Never

from tqdm import tqdm

import paperrefs
from paperrefs.arxiv import BATCH_SIZE, DEFAULT_RETRY_BUDGET, DEFAULT_TIMEOUT, ArxivClient
from paperrefs.bibfile import BibError
from paperrefs.checks import check_project
from paperrefs.conffile import ConfError
from paperrefs.environment import ARXIV_API
from paperrefs.fetching import AddReport, add_ids, api_url
from paperrefs.ids import ArxivId, InvalidArxivId, parse_arxiv_id
from paperrefs.location import Location
from paperrefs.project import Project, resolve
from paperrefs.scan import scan_docs
from paperrefs.throttle import MIN_INTERVAL

DEFAULT_BIB = "bib/papers.bib"
EXIT_OK = 0
EXIT_UNRESOLVED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input: reported in one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--bib",
        type=Path,
        metavar="PATH",
        help="bibliography file (default: the one named in conf.py, looked for from the current "
        f"folder up; without a conf.py, {DEFAULT_BIB})",
    )
    common.add_argument(
        "--api-url",
        metavar="URL",
        help=f"arXiv API endpoint (default: ${ARXIV_API}, else arXiv's export API)",
    )
    fetch = argparse.ArgumentParser(add_help=False)
    fetch.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on one request after this long (default: {DEFAULT_TIMEOUT:g})",
    )
    fetch.add_argument(
        "--retry-budget",
        type=_seconds,
        default=DEFAULT_RETRY_BUDGET,
        metavar="SECONDS",
        help="stop retrying once arXiv has failed for this long in a row; the IDs left "
        f"count as unresolved (default: {DEFAULT_RETRY_BUDGET:g})",
    )
    docs = argparse.ArgumentParser(add_help=False)
    docs.add_argument(
        "--docs",
        type=Path,
        metavar="DIR",
        help="source folder of the notes, where their conf.py is (default: the folder of the "
        "conf.py found from the current folder up; without one, docs)",
    )
    parser = argparse.ArgumentParser(
        prog="paperrefs",
        description="Turn arXiv IDs into a shared, deterministic BibTeX bibliography.",
        epilog="Exit codes: 0 all done; 1 some IDs could not be resolved (the rest were "
        "written); 2 bad usage or bad input.",
    )
    parser.add_argument("--version", action="version", version=f"paperrefs {paperrefs.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser(
        "add", parents=[common, fetch], help="fetch papers by arXiv ID, add them, print their keys"
    )
    add.add_argument("ids", nargs="+", metavar="ID", help="arXiv ID or URL, in any accepted form")
    commands.add_parser(
        "sync",
        parents=[common, fetch, docs],
        help="fetch every arXiv ID the notes cite that is missing",
    )
    commands.add_parser("check", parents=[common, docs], help="lint the bibliography and the notes")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="paperrefs: %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    try:
        args.project = locate(args)
        if args.command == "add":
            return run_add(args)
        if args.command == "sync":
            return run_sync(args)
        return run_check(args)
    except (UsageError, BibError, ConfError) as error:
        say(f"error: {error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        say("interrupted; the bibliography was not changed by the unfinished step")
        return 130


def say(message: str) -> None:
    print(message, file=sys.stderr)


def locate(args: argparse.Namespace) -> Project:
    """The site the command works on; sets ``args.bib`` and ``args.docs`` from it."""
    project = resolve(args.bib, getattr(args, "docs", None), notes=hasattr(args, "docs"))
    args.bib = project.bib
    if hasattr(args, "docs"):
        args.docs = project.docs
    say(project.describe(with_docs=hasattr(args, "docs")))
    for note in project.notes:
        say(f"warning: {note}")
    return project


def parse_ids(texts: Sequence[str]) -> list[ArxivId]:
    ids, errors = [], []
    for text in texts:
        try:
            ids.append(parse_arxiv_id(text.strip()))
        except InvalidArxivId as error:
            errors.append(str(error))
    if errors:
        raise UsageError("; ".join(errors) + " (nothing was fetched)")
    return ids


def fetch_into_bib(args: argparse.Namespace, ids: list[ArxivId]) -> AddReport:
    """Fetch what the bib lacks, with a progress bar on a terminal."""
    bar: tqdm[Never] | None = None

    def start(count: int) -> None:
        nonlocal bar
        say(
            f"fetching {count} paper(s) from arXiv (at most {BATCH_SIZE} per request, "
            f"{MIN_INTERVAL:g} s apart)"
        )
        bar = tqdm(total=count, unit="id", file=sys.stderr, disable=None, leave=False)

    def advance(done: int) -> None:
        if bar is not None:
            bar.update(done)

    client = ArxivClient(
        api_url(args.api_url), timeout=args.timeout, retry_budget=args.retry_budget
    )
    existed = args.bib.exists()
    with client:
        try:
            report = add_ids(args.bib, ids, client, progress=advance, on_start=start)
        finally:
            if bar is not None:
                bar.close()
    if not existed and args.bib.exists():
        say(f"created {args.bib}")
    return report


def report_unresolved(
    report: AddReport, cited_at: dict[ArxivId, list[Location]] | None = None
) -> int:
    """Say what could not be resolved; an ID arXiv lacks is named where the notes cite it."""
    for arxiv_id in report.missing:
        places = (cited_at or {}).get(arxiv_id.unversioned, [])
        for where in places:
            say(f"{where}: error: arXiv has no paper {arxiv_id}; check the ID for a typo")
        if not places:
            say(f"error: arXiv has no paper {arxiv_id}; check the ID for a typo")
    for arxiv_id, reason in report.failed.items():
        say(f"error: could not fetch {arxiv_id}: {reason}")
    return EXIT_UNRESOLVED if report.unresolved else EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    ids = parse_ids(args.ids)
    report = fetch_into_bib(args, ids)
    for arxiv_id in ids:
        if arxiv_id in report.keys:
            print(report.keys[arxiv_id])
            state = "added to" if arxiv_id in report.added else "already in"
            say(f"{arxiv_id}: {report.keys[arxiv_id]} ({state} {args.bib})")
    return report_unresolved(report)


def run_sync(args: argparse.Namespace) -> int:
    if not args.docs.is_dir():
        raise UsageError(f"{args.docs} is not a folder of notes (use --docs DIR)")
    project: Project = args.project
    citations = scan_docs(
        args.docs, project.papers_dir, exclude=project.exclude, include=project.include
    )
    for location, reason in citations.invalid:
        say(f"{location}: error: {reason}")
    report = fetch_into_bib(args, sorted(citations.arxiv))
    say(f"{len(citations.arxiv)} arXiv paper(s) cited; {len(report.added)} added to {args.bib}")
    status = report_unresolved(report, citations.arxiv)
    return EXIT_USAGE if citations.invalid else status


def run_check(args: argparse.Namespace) -> int:
    if not args.docs.is_dir():
        raise UsageError(f"{args.docs} is not a folder of notes (use --docs DIR)")
    project: Project = args.project
    problems = check_project(
        args.bib,
        args.docs,
        papers_dir=project.papers_dir,
        exclude=project.exclude,
        include=project.include,
    )
    for problem in problems:
        say(str(problem))
        if problem.hint:
            say(f"  hint: {problem.hint}")
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    say(f"{errors} error(s), {warnings} warning(s) in {args.bib} and {args.docs}")
    return EXIT_USAGE if errors else EXIT_OK
