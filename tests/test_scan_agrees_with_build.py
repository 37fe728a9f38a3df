"""The command line's scanner and the Sphinx build find the same citations.

``paperrefs sync`` and ``paperrefs check`` read the notes with :func:`scan_docs`; the site
is built by Sphinx. Both must agree on what a note cites, or sync fetches papers the
site never shows, check passes notes the build warns about, and so on.

What "the same" means here, document by document:

* The scanner reports arXiv IDs and keys as written; the build's records hold the key of
  the entry each citation resolved to. Both are mapped to one paper identity (the entry's
  arXiv ID, or its key when it has none) through the build's library, and the *sets* of
  papers each document cites must be equal. Sets, not lines: the build places a role at
  the first line of its paragraph, the scanner at its own line.
* A citation the bibliography cannot resolve is not a record in the build, only a
  warning. So every citation the scanner cannot resolve (and every invalid ID it finds)
  must be a build warning at the same file and line that names it, and every warning of
  that kind must be such a citation.

The sites compared: the real ``docs/`` site, the ``test-site`` root, and a copy of the
root with one small page per tricky input, where the two are known to disagree or might.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from paperrefs.library import Library, Paper
from paperrefs.scan import scan_docs, source_files
from sphinx.testing.util import SphinxTestApp

from tests.helpers.paths import REPO, ROOTS
from tests.helpers.sphinx import build, warnings_of

# Building the real site in this process shows its theme's and MyST's use of APIs Sphinx
# deprecates; they are not this project's to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning:sphinx_book_theme"),
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning:myst_parser"),
]

PAPERS_DIR = "papers"  # paperrefs_papers_dir of every site compared

# One page per input, added to a copy of test-site. 1707.06347 (PPO), 1502.05477 (TRPO)
# and sutton2018reinforcement are in its bibliography; 2401.0000N and nokey* are not.
TRICKY = {
    "autolink": "See <https://arxiv.org/abs/1707.06347>.",
    "eval-rst": "```{eval-rst}\n.. paper:: 1707.06347\n   :added: 2024-07-04\n```",
    "multi-line": "A paragraph that starts here\nand cites {arxiv}`1707.06347` on its second line.",
    "cite-list": "See {cite:p}`Sutton2018Reinforcement,schulman2015trust`.",
    "code-span-link": "Write `[PPO](https://arxiv.org/abs/1707.06347)` to cite.",
    "nested-code": "````{note}\n```\n{arxiv}`1707.06347`\n```\n````",
    "tilde-directive": "~~~{paper} 1707.06347\n:added: 2024-07-04\n~~~",
    "bare-url": "See https://arxiv.org/abs/1707.06347 for PPO.",
    "long-number": "See [x](https://arxiv.org/abs/1707.063471).",
    "indented-code": "Example:\n\n    {arxiv}`1707.06347`\n\nDone.",
    "html-comment": "Text.\n\n<!-- {arxiv}`1707.06347` -->\n\nMore.",
    "myst-comment": "Text.\n\n% {arxiv}`1707.06347`\n\nMore.",
    "colon-fence": ":::{paper} 1707.06347\n:added: 2024-07-04\n:::",
    "unresolved-paper-id": "```{paper} 2401.00001\n:added: 2024-07-04\n```",
    "unresolved-paper-key": "```{paper} nokey2024\n:added: 2024-07-04\n```",
    "unresolved-role": "See {arxiv}`2401.00002`.",
    "invalid-role": "See {arxiv}`2399.00001`.",
    "unresolved-cite": "See {cite:p}`nokey2025`.",
    "unresolved-link": "See [x](https://arxiv.org/abs/2401.00003).",
}

# Where the scanner and the build cite different papers: (site, file) -> why.
PAPERS_DIFFER = {
    ("tricky", "notes/indented-code.md"): (
        "an indented code block is code to the build and text to the scanner"
    ),
    ("tricky", "notes/colon-fence.md"): (
        "without MyST's colon_fence extension (test-site does not enable it) :::{paper} is "
        "text to the build; the scanner always counts it"
    ),
}
# Where unresolved citations and build warnings do not match: (site, file) -> why.
WARNINGS_DIFFER = {
    ("tricky", "notes/cite-list.md"): (
        "sphinxcontrib-bibtex matches {cite} keys case-sensitively and warns about "
        "Sutton2018Reinforcement; the scanner, paperrefs check and the domain ignore case"
    ),
}
UNRESOLVED_WARNINGS = {"paperrefs.unresolved", "paperrefs.bad_id", "bibtex.key_not_found"}
_WARNING = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): WARNING: (?P<message>.*) \[(?P<type>[\w.]+)\]$"
)


# -- the sites ------------------------------------------------------------------------------


def copy_docs(target: Path) -> Path:
    """The real site with its bibliography beside it, as ``conf.py`` expects, minus output."""
    source = REPO / "docs"

    def generated(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if Path(folder) == source and name in {"_build", PAPERS_DIR}]

    shutil.copytree(source, target / "docs", ignore=generated)
    shutil.copytree(REPO / "bib", target / "bib")
    return target / "docs"


def copy_test_site(target: Path) -> Path:
    shutil.copytree(ROOTS / "test-site", target / "site")
    return target / "site"


def copy_tricky(target: Path) -> Path:
    srcdir = copy_test_site(target)
    for name, body in TRICKY.items():
        (srcdir / "notes" / f"{name}.md").write_text(f"# {name}\n\n{body}\n", encoding="utf-8")
    index = srcdir / "index.md"
    pages = "".join(f"notes/{name}\n" for name in TRICKY)
    index.write_text(
        index.read_text(encoding="utf-8").replace("references\n", f"references\n{pages}")
    )
    return srcdir


SITES = {"docs": copy_docs, "test-site": copy_test_site, "tricky": copy_tricky}


def documents(site: str) -> list[str]:
    """Every source file of a site, known before any build (the scanner's own list)."""
    root = REPO / "docs" if site == "docs" else ROOTS / "test-site"
    files = [
        path.relative_to(root).as_posix()
        for path in source_files(root)
        if (root / PAPERS_DIR) not in path.parents
    ]
    if site == "tricky":
        files += [f"notes/{name}.md" for name in TRICKY]
    return sorted(files)


def cases(differ: dict[tuple[str, str], str]) -> list[Any]:
    params = []
    for site in SITES:
        for file in documents(site):
            reason = differ.get((site, file))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(site, file, id=f"{site}:{file}", marks=marks))
    return params


# -- what each side finds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    built: dict[str, set[str]]  # file -> papers the build's records cite
    scanned: dict[str, set[str]]  # file -> papers the scanner finds that the library holds
    unresolved: dict[str, set[tuple[int, str]]]  # file -> (line, ID or key) it does not
    warned: dict[str, set[tuple[int, str]]]  # file -> (line, message) of unresolved warnings
    warnings: str


Outcomes = Callable[[str], Outcome]  # a site's name -> its outcome, built once


def identity(paper: Paper) -> str:
    return str(paper.arxiv_id) if paper.arxiv_id else paper.key


def relative(path: str | Path, srcdir: Path) -> str:
    return Path(path).resolve().relative_to(srcdir.resolve()).as_posix()


def outcome_of(srcdir: Path) -> Outcome:
    # SphinxTestApp itself, not the make_app fixture: that one lives for one test only, and
    # each site is built once for the module. cleanup() does what the fixture would.
    app = build(SphinxTestApp, srcdir)
    try:
        domain = app.env.domains["paperrefs"]
        library: Library = domain.library
        built: dict[str, set[str]] = {}
        for docname, records in [*domain.citations.items(), *domain.notes.items()]:
            file = relative(app.env.doc2path(docname), srcdir)
            for record in records:
                if record.key:
                    paper = library.by_key(record.key)
                    assert paper is not None, record
                    built.setdefault(file, set()).add(identity(paper))
        warnings = warnings_of(app)
    finally:
        app.cleanup()
    scanned: dict[str, set[str]] = {}
    unresolved: dict[str, set[tuple[int, str]]] = {}
    citations = scan_docs(srcdir, PAPERS_DIR)
    found = [
        (library.by_arxiv(arxiv_id), str(arxiv_id), places)
        for arxiv_id, places in citations.arxiv.items()
    ]
    found += [(library.by_key(key), key, places) for key, places in citations.keys.items()]
    for paper, written, places in found:
        for where in places:
            file = relative(where.path, srcdir)
            if paper is None:
                unresolved.setdefault(file, set()).add((where.line, written))
            else:
                scanned.setdefault(file, set()).add(identity(paper))
    for where, reason in citations.invalid:
        unresolved.setdefault(relative(where.path, srcdir), set()).add((where.line, reason))
    warned: dict[str, set[tuple[int, str]]] = {}
    for line in warnings.splitlines():
        match = _WARNING.match(line)
        if match and match["type"] in UNRESOLVED_WARNINGS:
            file = relative(match["path"], srcdir)
            warned.setdefault(file, set()).add((int(match["line"]), match["message"]))
    return Outcome(built, scanned, unresolved, warned, warnings)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    """Build each site once for the whole module, on first use."""
    done: dict[str, Outcome] = {}

    def of(site: str) -> Outcome:
        if site not in done:
            done[site] = outcome_of(SITES[site](tmp_path_factory.mktemp(site)))
        return done[site]

    return of


# -- the comparisons --------------------------------------------------------------------------


@pytest.mark.parametrize(("site", "file"), cases(PAPERS_DIFFER))
def test_the_scanner_and_the_build_cite_the_same_papers_in_each_document(
    outcome: Outcomes, site: str, file: str
) -> None:
    result = outcome(site)
    assert result.scanned.get(file, set()) == result.built.get(file, set())


@pytest.mark.parametrize(("site", "file"), cases(WARNINGS_DIFFER))
def test_each_citation_the_scanner_cannot_resolve_is_a_build_warning_naming_it(
    outcome: Outcomes, site: str, file: str
) -> None:
    result = outcome(site)
    unresolved = sorted(result.unresolved.get(file, set()))
    warned = sorted(result.warned.get(file, set()))
    unwarned = [
        (line, text)
        for line, text in unresolved
        if not any(at == line and text in message for at, message in warned)
    ]
    unscanned = [
        (at, message)
        for at, message in warned
        if not any(at == line and text in message for line, text in unresolved)
    ]
    assert (unwarned, unscanned) == ([], [])


@pytest.mark.parametrize("site", list(SITES))
def test_every_document_the_build_cites_from_is_one_the_scanner_reads(
    outcome: Outcomes, site: str
) -> None:
    result = outcome(site)
    assert set(result.built) | set(result.warned) <= set(documents(site))


@pytest.mark.parametrize("site", ["docs", "test-site"])
def test_the_real_site_and_the_test_root_cite_only_what_their_bibliography_holds(
    outcome: Outcomes, site: str
) -> None:
    result = outcome(site)
    assert result.unresolved == {}
    assert result.warnings == ""
    assert result.built, "a site without citations would make every comparison vacuous"


def test_the_tricky_site_has_every_kind_of_unresolved_citation_on_both_sides(
    outcome: Outcomes,
) -> None:
    result = outcome("tricky")
    assert result.unresolved == {
        "notes/invalid-role.md": {(3, "not an arXiv ID: '2399.00001' (month 99 does not exist)")},
        "notes/unresolved-cite.md": {(3, "nokey2025")},
        "notes/unresolved-link.md": {(3, "2401.00003")},
        "notes/unresolved-paper-id.md": {(3, "2401.00001")},
        "notes/unresolved-paper-key.md": {(3, "nokey2024")},
        "notes/unresolved-role.md": {(3, "2401.00002")},
    }
    assert sorted(result.warned) == [
        "notes/cite-list.md",
        "notes/invalid-role.md",
        "notes/unresolved-cite.md",
        "notes/unresolved-link.md",
        "notes/unresolved-paper-id.md",
        "notes/unresolved-paper-key.md",
        "notes/unresolved-role.md",
    ]
