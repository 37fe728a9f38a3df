"""``paperrefs init``: a complete notes site, ready to build and to publish, in one folder.

The site's files are rendered from the templates in ``paperrefs/templates/site/`` (package
data) and one generated file, the bibliography, seeded with the entry the example note
cites, in exactly the layout ``paperrefs add`` writes. So the first build needs no network.

Nothing is ever overwritten. A folder that already holds any of the files is refused as a
whole, naming them, before anything is written; files of other names may be there and are
left alone. Each value the user gives is written in the form its file needs: a Python
literal in ``conf.py``, Markdown with every special character escaped in the pages. No
value goes into YAML.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from importlib import metadata, resources
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import paperrefs
from paperrefs.bibfile import insert_entries, parse_bib
from paperrefs.fetching import plan_papers
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

REPOSITORY = "https://github.com/paperrefs/paperrefs"
DEFAULT_TITLE = "Paper notes"
DEFAULT_AUTHOR = "The authors"
BIB = "bib/papers.bib"
BIB_HEADER = (
    "% The bibliography of these notes. Written by `paperrefs add` and `paperrefs sync`;"
    " hand edits survive.\n"
)
# The paper the example note cites, as arXiv describes it.
EXAMPLE_PAPER = PaperMetadata(
    arxiv_id=parse_arxiv_id("1706.03762"),
    title="Attention Is All You Need",
    authors=(
        "Ashish Vaswani",
        "Noam Shazeer",
        "Niki Parmar",
        "Jakob Uszkoreit",
        "Llion Jones",
        "Aidan N. Gomez",
        "Lukasz Kaiser",
        "Illia Polosukhin",
    ),
    primary_category="cs.CL",
)


@dataclass(frozen=True)
class SiteFile:
    """One file of the site: where it goes, and its template (``""``: generated)."""

    path: str  # relative, POSIX
    template: str = ""


# Every file ``init`` writes, in the order it reports them.
SITE_FILES = (
    SiteFile("README.md", "README.md.tmpl"),
    SiteFile(".gitignore", "gitignore.tmpl"),
    SiteFile(".readthedocs.yaml", "readthedocs.yaml.tmpl"),
    SiteFile("requirements.txt", "requirements.txt.tmpl"),
    SiteFile(BIB),
    SiteFile("docs/conf.py", "docs/conf.py.tmpl"),
    SiteFile("docs/index.md", "docs/index.md.tmpl"),
    SiteFile("docs/notes/transformers.md", "docs/notes/transformers.md.tmpl"),
    SiteFile("docs/changelog.md", "docs/changelog.md.tmpl"),
    SiteFile("docs/references.md", "docs/references.md.tmpl"),
)

_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
# CommonMark and MyST characters that could start markup inside a line of text: escaped,
# the text reads literally. ("#" also closes an ATX heading.)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$!])")


class InitError(Exception):
    """Why no site was written: reported in one line."""


@dataclass(frozen=True, kw_only=True)
class SiteOptions:
    """What the user chose, already checked."""

    title: str = DEFAULT_TITLE
    author: str = DEFAULT_AUTHOR
    url: str = ""  # the site's address, ending in "/"; "" leaves it to Read the Docs
    added: date  # the example note's date


def site_options(
    title: str | None = None,
    author: str | None = None,
    url: str | None = None,
    *,
    added: date | None = None,
) -> SiteOptions:
    """Checked options; unset values take their defaults. Raises :class:`InitError`."""
    return SiteOptions(
        title=check_text("title", DEFAULT_TITLE if title is None else title),
        author=check_text("author", DEFAULT_AUTHOR if author is None else author),
        url=check_url(url or ""),
        added=added or date.today(),
    )


def check_text(name: str, value: str) -> str:
    """One line of printable text, trimmed; what a title or an author name must be."""
    text = value.strip()
    if not text:
        raise InitError(f"the {name} is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InitError(f"the {name} {value!r} is not valid text") from None
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in text):
        raise InitError(f"the {name} {value!r} must be one line without control characters")
    return text


def check_url(value: str) -> str:
    """An absolute http(s) address ending in ``/``, or ``""``."""
    text = value.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or re.search(r"\s", text):
        raise InitError(f"the URL {value!r} is not an absolute http(s) address")
    if parts.query or parts.fragment:
        raise InitError(f"the URL {value!r} must be the site's address, without ? or #")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# Where pip gets paperrefs


def paperrefs_requirement(direct_url: str | None = None) -> str:
    """The requirement line that installs this paperrefs on Read the Docs.

    ``direct_url`` is the installed package's PEP 610 record (read when not given). A
    paperrefs installed from an https git URL is pinned to that URL and commit; anything
    else (a wheel, a checkout, an index) gets the project's repository at this release's
    tag, which the README explains how to change.
    """
    record = installed_from() if direct_url is None else direct_url
    try:
        data = json.loads(record) if record else {}
    except json.JSONDecodeError:
        data = {}
    vcs = data.get("vcs_info") if isinstance(data, dict) else None
    url = data.get("url") if isinstance(data, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str):
        parts = urlsplit(url)
        commit = vcs.get("commit_id")
        if parts.scheme == "https" and parts.hostname and isinstance(commit, str):
            # Never any credentials in a file meant to be committed.
            public = urlunsplit(("https", parts.hostname, parts.path, "", ""))
            if re.fullmatch(r"[0-9a-f]{7,64}", commit) and not re.search(r"[\s@]", public):
                return f"paperrefs @ git+{public}@{commit}"
    return f"paperrefs @ git+{REPOSITORY}.git@v{paperrefs.__version__}"


def installed_from() -> str:
    """The installed distribution's ``direct_url.json``, or ``""``."""
    try:
        return metadata.distribution("paperrefs").read_text("direct_url.json") or ""
    except metadata.PackageNotFoundError:
        return ""


def requirement_note(requirement: str) -> str:
    if requirement.endswith(f"@v{paperrefs.__version__}"):
        return (
            f"That is paperrefs {paperrefs.__version__} from its repository, the release "
            "this site was made with."
        )
    return "That is the repository and commit paperrefs was installed from."


# Rendering


def markdown_text(text: str) -> str:
    """Text that Markdown (CommonMark and MyST) shows literally, inside a line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render(template: str, values: Mapping[str, str]) -> str:
    """``{{ name }}`` replaced by its value, in one pass; an unknown name is a bug."""

    def value(match: re.Match[str]) -> str:
        return values[match[1]]

    return _PLACEHOLDER.sub(value, template)


def template_text(name: str) -> str:
    source = resources.files(paperrefs).joinpath("templates", "site", *name.split("/"))
    return source.read_text(encoding="utf-8")


def seed_bib() -> str:
    """The bibliography with the example paper's entry, as ``paperrefs add`` writes it."""
    document = parse_bib(BIB_HEADER, Path(BIB))
    _, new = plan_papers(document, [EXAMPLE_PAPER])
    return insert_entries(document, new)


def render_site(options: SiteOptions, requirement: str | None = None) -> dict[str, str]:
    """Every file of the site: relative path to text."""
    line = requirement or paperrefs_requirement()
    copyright_text = f"{options.added.year}, {options.author}"
    values = {
        # conf.py: Python literals (repr escapes quotes and backslashes).
        "project": repr(options.title),
        "author": repr(options.author),
        "copyright": repr(copyright_text),
        "release": repr(str(options.added.year)),
        "url": repr(options.url),
        # Pages: Markdown, read literally.
        "title": markdown_text(options.title),
        "added": options.added.isoformat(),
        "repository": REPOSITORY,
        "requirement": line,
        "requirement_note": requirement_note(line),
        "version": paperrefs.__version__,
    }
    return {
        file.path: render(template_text(file.template), values) if file.template else seed_bib()
        for file in SITE_FILES
    }


# Writing


def conflicts(target: Path, paths: list[str]) -> list[str]:
    """The paths that stop ``init``: files already there, or files where a folder goes."""
    found: list[str] = []
    for name in paths:
        relative = PurePosixPath(name)
        folders = list(reversed(relative.parents))[1:]  # docs, docs/notes (not ".")
        blocking = [p for p in folders if (target / p).exists() and not (target / p).is_dir()]
        if blocking:
            found.append(f"{blocking[0]} (a file where a folder must go)")
        elif (target / relative).is_symlink() or (target / relative).exists():
            found.append(name)
    return sorted(set(found))


def init_site(target: Path, options: SiteOptions, requirement: str | None = None) -> list[str]:
    """Write the site into ``target`` (created if needed); the relative paths written.

    Refused with :class:`InitError`, and nothing written, when ``target`` is not a folder
    or holds any of the site's files. A failure while writing removes what was written.
    """
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    files = render_site(options, requirement)
    existing = conflicts(target, list(files))
    if existing:
        raise InitError(
            f"{target} already holds {', '.join(existing)}; nothing was written "
            "(init never overwrites: move them away or choose another folder)"
        )
    with _undo_on_failure() as created:
        for name, text in files.items():
            _write_new(target, PurePosixPath(name), text, created)
    return list(files)


@contextmanager
def _undo_on_failure() -> Iterator[list[Path]]:
    created: list[Path] = []
    try:
        yield created
    except OSError as error:
        for path in reversed(created):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
        raise InitError(f"could not write the site: {error}; nothing was left behind") from None


def _write_new(target: Path, relative: PurePosixPath, text: str, created: list[Path]) -> None:
    path = target / relative
    for folder in reversed([p for p in path.parents if not p.is_dir()]):
        folder.mkdir()
        created.append(folder)
    # "x": fails rather than replace a file that appeared since the check.
    with path.open("x", encoding="utf-8", newline="\n") as stream:
        created.append(path)
        stream.write(text)


# Asking


def ask_missing(
    title: str | None,
    author: str | None,
    url: str | None,
    *,
    stdin: TextIO = sys.stdin,
    stderr: TextIO = sys.stderr,
) -> tuple[str, str, str]:
    """Ask on a terminal for each value not given; Enter keeps the default shown."""

    def ask(question: str, default: str, check: Callable[[str], str]) -> str:
        while True:
            stderr.write(f"{question} [{default}]: ")
            stderr.flush()
            line = stdin.readline()
            if not line:
                raise InitError("no answer (end of input); nothing was written")
            try:
                return check(line.strip() or default)
            except InitError as error:
                stderr.write(f"{error}\n")

    return (
        title if title is not None else ask("Title", DEFAULT_TITLE, _title),
        author if author is not None else ask("Author", DEFAULT_AUTHOR, _author),
        url if url is not None else ask("Site URL (Enter: Read the Docs gives one)", "", check_url),
    )


def _title(value: str) -> str:
    return check_text("title", value)


def _author(value: str) -> str:
    return check_text("author", value)


def next_steps(target: Path) -> str:
    """What to run next, for the person who ran ``init``."""
    where = f"cd {target}" if target != Path() else "# in this folder"
    return "\n".join(
        [
            "next:",
            f"  {where}",
            "  paperrefs add 1810.04805                            # a paper into bib/papers.bib",
            "  python -m sphinx -W -b html docs docs/_build/html   # build the site",
            "then see README.md: writing notes, and publishing on Read the Docs",
        ]
    )
