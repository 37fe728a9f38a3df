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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Never

from tqdm import tqdm

import paperrefs
from paperrefs import scaffold
from paperrefs.arxiv import BATCH_SIZE, DEFAULT_RETRY_BUDGET, DEFAULT_TIMEOUT, ArxivClient
from paperrefs.bibfile import BibError, read_bib
from paperrefs.checks import check_project
from paperrefs.conffile import ConfError
from paperrefs.doi import DoiClient, doi_url
from paperrefs.environment import ARXIV_API, CONTACT, DOI_URL, Environment
from paperrefs.fetching import AddReport, Identifier, add_dois, add_ids, api_url
from paperrefs.ids import (
    ArxivId,
    Doi,
    InvalidArxivId,
    InvalidDoi,
    arxiv_id_of_doi,
    looks_like_doi,
    parse_arxiv_id,
    parse_doi,
)
from paperrefs.location import Location
from paperrefs.project import Project, resolve
from paperrefs.scan import scan_docs
from paperrefs.throttle import MIN_INTERVAL
from paperrefs.updating import (
    UpdateReport,
    apply_updates,
    check_arxiv,
    check_dois,
    count_requests,
    describe,
    select_entries,
)

DEFAULT_BIB = "bib/papers.bib"
EXIT_OK = 0
EXIT_UNRESOLVED = 1
EXIT_USAGE = 2
EXIT_OUTDATED = 3


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
        "--doi-url",
        metavar="URL",
        help=f"DOI resolver for content negotiation (default: ${DOI_URL}, else https://doi.org)",
    )
    fetch.add_argument(
        "--contact",
        metavar="EMAIL",
        help=f"an address sent with DOI requests, as Crossref asks (default: ${CONTACT})",
    )
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
        "add",
        parents=[common, fetch],
        help="fetch papers by arXiv ID or DOI, add them, print their keys",
    )
    add.add_argument(
        "ids",
        nargs="+",
        metavar="ID",
        help="arXiv ID or URL in any accepted form, or a DOI (10.xxxx/..., doi:..., doi.org URL)",
    )
    commands.add_parser(
        "sync",
        parents=[common, fetch, docs],
        help="fetch every arXiv ID the notes cite that is missing",
    )
    commands.add_parser("check", parents=[common, docs], help="lint the bibliography and the notes")
    update = commands.add_parser(
        "update",
        parents=[common, fetch],
        help="report what changed on arXiv or doi.org since entries were written; --apply "
        "writes what paperrefs wrote",
        epilog="Exit codes: 0 all checked; 1 some entries could not be checked; 2 bad input; "
        f"{EXIT_OUTDATED} with --check when an entry is out of date.",
    )
    update.add_argument(
        "entries",
        nargs="*",
        metavar="KEY-OR-ID",
        help="entries to check, by key, arXiv ID or DOI (default: every entry with an arXiv "
        "eprint or a DOI)",
    )
    mode = update.add_mutually_exclusive_group()
    mode.add_argument(
        "--apply",
        action="store_true",
        help="write what paperrefs itself wrote and the record changed, and fill in fields "
        "that appeared; values set by hand are kept",
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help=f"write nothing; exit {EXIT_OUTDATED} when any entry is out of date (for CI)",
    )
    init = commands.add_parser(
        "init",
        help="write a new notes site, ready to build and publish, into a new or empty folder",
        description="Write a complete notes site into DIR: Sphinx configuration, a landing "
        "page, a topic page with an example note, changelog, references, a seeded "
        "bibliography, Read the Docs settings. Files already in DIR are never overwritten: "
        "if DIR holds any file init would write, nothing is written (exit 2).",
    )
    init.add_argument("dir", type=Path, metavar="DIR", help="the site's folder (created if needed)")
    init.add_argument("--title", help=f"the site's title (default: {scaffold.DEFAULT_TITLE})")
    init.add_argument(
        "--author", help=f"the author, for copyright and feed (default: {scaffold.DEFAULT_AUTHOR})"
    )
    init.add_argument(
        "--url",
        help="the site's address, for html_baseurl (default: the one Read the Docs gives)",
    )
    init.add_argument(
        "-i",
        "--interactive",
        action="store_true",
        help="ask for the title, author and URL not given as options (needs a terminal)",
    )
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
        if hasattr(args, "bib"):  # every command but init works on a site's bibliography
            args.project = locate(args)
        if args.command == "add":
            return run_add(args)
        if args.command == "sync":
            return run_sync(args)
        if args.command == "update":
            return run_update(args)
        if args.command == "init":
            return run_init(args)
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


def parse_ids(texts: Sequence[str]) -> list[Identifier]:
    """arXiv IDs and DOIs in the order given; arXiv's own DOIs count as arXiv IDs."""
    ids: list[Identifier] = []
    errors = []
    for text in texts:
        try:
            ids.append(parse_identifier(text.strip()))
        except (InvalidArxivId, InvalidDoi) as error:
            errors.append(str(error))
    if errors:
        raise UsageError("; ".join(errors) + " (nothing was fetched)")
    return ids


def parse_identifier(text: str) -> Identifier:
    if not looks_like_doi(text):
        return parse_arxiv_id(text)
    doi = parse_doi(text)
    return arxiv_id_of_doi(doi) or doi


def fetch_into_bib(args: argparse.Namespace, ids: Sequence[Identifier]) -> AddReport:
    """Fetch what the bib lacks, arXiv IDs from arXiv and DOIs from doi.org."""
    arxiv_ids = [each for each in ids if isinstance(each, ArxivId)]
    dois = [each for each in ids if isinstance(each, Doi)]
    report = fetch_arxiv(args, arxiv_ids) if arxiv_ids or not dois else AddReport()
    if dois:
        report.merge(fetch_dois(args, dois))
    return report


class Progress:
    """A progress bar on a terminal (none in a pipe or a log), opened once work is known."""

    def __init__(self, message: Callable[[int], str], unit: str) -> None:
        self.message, self.unit = message, unit
        self.bar: tqdm[Never] | None = None

    def start(self, count: int) -> None:
        say(self.message(count))
        self.bar = tqdm(total=count, unit=self.unit, file=sys.stderr, disable=None, leave=False)

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def progress_of(message: str, count: int, unit: str) -> Iterator[Callable[[int], None]]:
    """A progress bar for work whose size is known before it starts."""
    progress = Progress(lambda _: message, unit)
    progress.start(count)
    try:
        yield progress.advance
    finally:
        progress.close()


def arxiv_client(args: argparse.Namespace) -> ArxivClient:
    return ArxivClient(api_url(args.api_url), timeout=args.timeout, retry_budget=args.retry_budget)


def doi_client(args: argparse.Namespace) -> DoiClient:
    """doi.org (or the --doi-url stand-in), introduced with the user's contact address."""
    environment = Environment.read()
    return DoiClient(
        doi_url(args.doi_url, environment),
        contact=args.contact or environment.contact,
        timeout=args.timeout,
        retry_budget=args.retry_budget,
    )


def fetch_arxiv(args: argparse.Namespace, ids: list[ArxivId]) -> AddReport:
    """Fetch what the bib lacks from arXiv, with a progress bar on a terminal."""
    progress = Progress(
        lambda count: (
            f"fetching {count} paper(s) from arXiv (at most {BATCH_SIZE} per "
            f"request, {MIN_INTERVAL:g} s apart)"
        ),
        "id",
    )
    existed = args.bib.exists()
    with arxiv_client(args) as client:
        try:
            report = add_ids(args.bib, ids, client, progress.advance, progress.start)
        finally:
            progress.close()
    if not existed and args.bib.exists():
        say(f"created {args.bib}")
    return report


def fetch_dois(args: argparse.Namespace, dois: list[Doi]) -> AddReport:
    """Fetch what the bib lacks from doi.org, one DOI at a time, with a progress bar."""
    progress = Progress(
        lambda count: f"fetching {count} DOI record(s) from {doi_url(args.doi_url)}", "doi"
    )
    with doi_client(args) as client:
        try:
            return add_dois(args.bib, dois, client, progress.advance, progress.start)
        finally:
            progress.close()


def report_unresolved(
    report: AddReport, cited_at: dict[ArxivId, list[Location]] | None = None
) -> int:
    """Say what could not be resolved; an ID arXiv lacks is named where the notes cite it."""
    for missing in report.missing:
        if isinstance(missing, Doi):
            say(
                f"error: no DOI {missing} is registered (doi.org answered 404); check it for a typo"
            )
            continue
        places = (cited_at or {}).get(missing.unversioned, [])
        for where in places:
            say(f"{where}: error: arXiv has no paper {missing}; check the ID for a typo")
        if not places:
            say(f"error: arXiv has no paper {missing}; check the ID for a typo")
    for identifier, reason in report.failed.items():
        say(f"error: could not fetch {identifier}: {reason}")
    return EXIT_UNRESOLVED if report.unresolved else EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    ids = parse_ids(args.ids)
    report = fetch_into_bib(args, ids)
    for identifier in ids:
        if identifier in report.keys:
            print(report.keys[identifier])
            state = "added to" if identifier in report.added else "already in"
            say(f"{identifier}: {report.keys[identifier]} ({state} {args.bib})")
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
    report = fetch_into_bib(args, [*sorted(citations.arxiv), *citations.dois])
    cited = f"{len(citations.arxiv)} arXiv paper(s)"
    cited += f" and {len(citations.dois)} DOI(s)" if citations.dois else ""
    say(f"{cited} cited; {len(report.added)} added to {args.bib}")
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


def run_update(args: argparse.Namespace) -> int:
    try:
        selection = select_entries(read_bib(args.bib), args.entries)
    except ValueError as error:
        raise UsageError(str(error)) from None
    arxiv_count, doi_count = count_requests(selection)
    report = UpdateReport()
    if selection.arxiv:
        asking = f"asking arXiv about {arxiv_count} record(s), at most {BATCH_SIZE} a request"
        with arxiv_client(args) as client, progress_of(asking, arxiv_count, "id") as advance:
            report.merge(check_arxiv(selection.arxiv, client, advance))
    if selection.doi:
        asking = f"asking doi.org about {doi_count} record(s)"
        with doi_client(args) as doi_session, progress_of(asking, doi_count, "doi") as advance:
            report.merge(check_dois(selection.doi, doi_session, advance))
    for update in report.changed:
        say(f"{update.key} ({update.label}): {update.summary}")
        for change in update.changes:
            say(f"  {describe(change, update)}")
    for key, reason in report.missing.items():
        say(f"error: {key}: {reason}; check the entry for a typo")
    for key, reason in report.failed.items():
        say(f"error: {key}: {reason}")
    if args.apply and any(update.applicable for update in report.updates):
        written = apply_updates(args.bib, report)
        say(f"updated {len(written)} entr{'y' if len(written) == 1 else 'ies'} in {args.bib}")
    checked, stale = len(report.updates), len(report.stale)
    kept = sum(bool(update.conflicts) for update in report.updates)
    summary = f"{checked} entr{'y' if checked == 1 else 'ies'} checked, {stale} out of date"
    say(summary + (f", {kept} with values kept as they are" if kept else ""))
    if report.failed or report.missing:
        return EXIT_UNRESOLVED
    if args.check and stale:
        return EXIT_OUTDATED
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    title, author, url = args.title, args.author, args.url
    try:
        if args.interactive:
            if not sys.stdin.isatty():
                raise UsageError(
                    "--interactive needs a terminal; give --title, --author and --url instead"
                )
            title, author, url = scaffold.ask_missing(title, author, url)
        options = scaffold.site_options(title, author, url)
        written = scaffold.init_site(args.dir, options)
    except scaffold.InitError as error:
        raise UsageError(str(error)) from None
    say(f"wrote a notes site into {args.dir}:")
    for name in written:
        say(f"  {name}")
    say(scaffold.next_steps(args.dir))
    return EXIT_OK
