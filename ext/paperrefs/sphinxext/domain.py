"""All build state of the extension, keyed by docname so purge and parallel merge are filters.

The bibliography is read once per build (at ``builder-inited``) into :attr:`library`, or
taken from the previous build when the file's bytes are the same (``parsed_bib.py``);
per-document records are collected after each document is read (``collect.py``); the
cross-document views are derived from those records on demand (``records.derive_views``),
never kept from reading alone, so a build that reads nothing still shows everything.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from paperrefs.bibfile import missing_bib_advice
from paperrefs.library import Library, Paper
from paperrefs.parsed_bib import ParsedBib, read_parsed
from paperrefs.records import Citation, Note, Views, derive_views
from paperrefs.salvage import Salvaged
from paperrefs.sphinxext.render import tooltip
from paperrefs.sphinxext.settings import settings_of
from paperrefs.sphinxext.warnings import Warn, status, warn

if TYPE_CHECKING:
    from paperrefs.sphinxext.incremental import Token, View


class PaperrefsDomain(Domain):
    name = "paperrefs"
    label = "Paper notes"
    object_types: ClassVar[dict[str, ObjType]] = {"paper": ObjType("paper", "paper")}
    roles: ClassVar[dict[str, XRefRole]] = {"paper": XRefRole()}  # type: ignore[assignment]
    initial_data: ClassVar[dict[str, Any]] = {
        "notes": {},  # docname -> list[Note]
        "citations": {},  # docname -> list[Citation]
        "depends": {},  # docname -> dependency tokens it rendered (incremental.py)
        "shows": {},  # docname -> cross-document views it shows (incremental.py)
        "snapshot": {},  # what the previous build showed, to find what changed
        "bib_dependents": {},  # docname -> bib files it depends on (bibtex_compat.py)
    }

    library: Library
    salvaged: Salvaged
    reused_library: bool  # this build took the bib's reading from the last build
    _views: Views | None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.library = Library([])
        self.salvaged = Salvaged()
        self.reused_library = False
        self._views = None

    # -- the bibliography ---------------------------------------------------------------

    def load_library(self, path: Path | None, record: Path | None = None) -> None:
        """Read the bib once per build, or take the last build's reading of the same bytes
        from ``record``. A broken entry warns at its line and is left out; every other
        entry still gets its page, so one typo never empties the site."""
        self.salvaged, self.library = Salvaged(), Library([])
        self.reused_library = False
        if path is not None:
            parsed = read_warning(path, record)
            self.salvaged, self.library = parsed.salvaged, parsed.library
            self.reused_library = parsed.reused
        self._views = None

    def paper_docname(self, paper: Paper) -> str:
        return f"{settings_of(self.env.config).papers_dir}/{paper.slug}"

    # -- per-document records -------------------------------------------------------------

    @property
    def notes(self) -> dict[str, list[Note]]:
        return self.data["notes"]  # type: ignore[no-any-return]

    @property
    def citations(self) -> dict[str, list[Citation]]:
        return self.data["citations"]  # type: ignore[no-any-return]

    @property
    def depends(self) -> dict[str, set[Token]]:
        return self.data["depends"]  # type: ignore[no-any-return]

    @property
    def shows(self) -> dict[str, set[View]]:
        return self.data["shows"]  # type: ignore[no-any-return]

    @property
    def bib_dependents(self) -> dict[str, set[str]]:
        return self.data["bib_dependents"]  # type: ignore[no-any-return]

    @property
    def snapshot(self) -> dict[str, Any]:
        return self.data["snapshot"]  # type: ignore[no-any-return]

    def note_dependency(self, docname: str, token: Token) -> None:
        """Re-read ``docname`` when what ``token`` names changes in the bib."""
        self.depends.setdefault(docname, set()).add(token)

    def note_shows(self, docname: str, view: View) -> None:
        """Rewrite ``docname`` when the cross-document ``view`` changes."""
        self.shows.setdefault(docname, set()).add(view)

    def store_records(self, docname: str, notes: list[Note], citations: list[Citation]) -> None:
        if notes:
            self.notes[docname] = notes
        if citations:
            self.citations[docname] = citations
        self._views = None

    def clear_doc(self, docname: str) -> None:
        for records in (self.notes, self.citations, self.depends, self.shows, self.bib_dependents):
            records.pop(docname, None)
        self._views = None

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name in ("notes", "citations", "depends", "shows"):
            for docname, records in otherdata[name].items():
                if docname in docnames:
                    self.data[name][docname] = records
        self._views = None

    # -- cross-document views ---------------------------------------------------------------

    def views(self) -> Views:
        if self._views is None:
            order = document_order(self.env)
            self._views = derive_views(self.notes.values(), self.citations.values(), order)
        return self._views

    # -- cross-references to paper pages ----------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        paper = self.library.by_key(target)
        if paper is None:
            return None
        docname = self.paper_docname(paper)
        reference = None
        # Paper pages are not part of a PDF, by design; other builders may leave them out too.
        if builder.format != "latex" and docname in env.all_docs:
            reference = internal_link(builder, fromdocname, docname, "", contnode)
        if reference is None:
            # Without its page, the link points at the paper itself.
            url = paper.abs_url or paper.doi_url
            if url is None:
                return None
            reference = nodes.reference("", "", contnode, refuri=url, internal=False)
        reference["reftitle"] = tooltip(paper)
        return reference

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        reference = self.resolve_xref(env, fromdocname, builder, "paper", target, node, contnode)
        return [("paperrefs:paper", reference)] if reference is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for paper in self.library:
            docname = self.paper_docname(paper)
            if docname in self.env.all_docs:
                yield paper.key, paper.display_title, "paper", docname, "", 1


def internal_link(
    builder: Builder, fromdocname: str, todocname: str, anchor: str, content: nodes.Node
) -> nodes.reference | None:
    """A link to a document in this builder's output, or None when the output leaves it out.

    The ``latex`` and ``texinfo`` builders write only the documents of their toctrees, so an
    orphan page (every paper page, any note marked ``orphan``) has no address there; they
    say so by raising :class:`~sphinx.errors.NoUri`, which must never escape a handler.
    """
    try:
        return make_refnode(builder, fromdocname, todocname, anchor, content)
    except NoUri:
        return None


def domain_of(env: BuildEnvironment) -> PaperrefsDomain:
    domain = env.domains["paperrefs"]
    assert isinstance(domain, PaperrefsDomain)
    return domain


def read_bibliography(app: Sphinx) -> None:
    """``builder-inited``, before sphinxcontrib-bibtex reads the bib (see the registry)."""
    record = Path(app.doctreedir) / "paperrefs" / "parsed-bib.pickle"
    domain = domain_of(app.env)
    domain.load_library(settings_of(app.config).bib_path, record)
    state = "unchanged, kept from the last build" if domain.reused_library else "read"
    status(f"paperrefs: bibliography {state} ({len(domain.library)} entries)")


def read_warning(path: Path, record: Path | None) -> ParsedBib:
    """Every entry of the bib that parses, with a warning at the line of each that does not
    (on every build, whether the reading is new or the last build's)."""
    if not path.exists():
        warn(Warn.BIB, f"{path} does not exist; {missing_bib_advice(path)}")
    try:
        parsed = read_parsed(path, record)
    except OSError as error:
        warn(Warn.BIB, f"cannot read {path}: {error.strerror}")
        return ParsedBib(Salvaged(), Library([]), reused=False)
    for problem in parsed.salvaged.problems:
        warn(
            Warn.BIB,
            f"{problem.message}; this part of the bib is left out of the build until fixed",
            location=problem.location,
        )
    return parsed


def document_order(env: BuildEnvironment) -> dict[str, int]:
    """Position of each document in a depth-first walk of the toctree from the root."""
    order: dict[str, int] = {}
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in order:
            continue
        order[docname] = len(order)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    return order
