"""All build state of the extension, keyed by docname so purge and parallel merge are filters.

Per-document records are collected in :meth:`PaperrefsDomain.process_doc` once a
document is read. Cross-document views (backlinks, changelog, index) are derived from
those records on demand, never kept from reading alone, so a build that reads nothing
still shows everything.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from paperrefs.ids import InvalidArxivId, parse_arxiv_id
from paperrefs.library import Library, Paper
from paperrefs.messages import warn
from paperrefs.nodes import note_marker
from paperrefs.records import ChangelogItem, Citation, Note, Place
from paperrefs.salvage import Salvaged, salvage_bib

SNIPPET_LENGTH = 160


@dataclass(frozen=True)
class Views:
    """Cross-document views, derived from every document's records."""

    backlinks: dict[str, list[Citation]]
    notes_by_key: dict[str, list[Note]]
    changelog: list[ChangelogItem]
    doc_order: dict[str, int]


class PaperrefsDomain(Domain):
    name = "paperrefs"
    label = "Paper notes"
    object_types: ClassVar[dict[str, ObjType]] = {"paper": ObjType("paper", "paper")}
    roles: ClassVar[dict[str, XRefRole]] = {"paper": XRefRole()}  # type: ignore[assignment]
    initial_data: ClassVar[dict[str, Any]] = {
        "notes": {},  # docname -> list[Note]
        "citations": {},  # docname -> list[Citation]
        "depends": {},  # docname -> set of "key:..." / "arxiv:..." tokens it rendered
        "shows": {},  # docname -> set of views it shows ("changelog", "index", "paper:KEY")
        "snapshot": {},  # what the previous build showed, to find what changed
    }

    library: Library
    _views: Views | None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.library = Library([])
        self._views = None

    # -- the bibliography ---------------------------------------------------------------

    def load_library(self, path: Path) -> Salvaged:
        """Read the bib once per build. A broken entry warns at its line and is left out;
        every other entry still gets its page, so one typo never empties the site."""
        if not path.exists():
            warn("bib", f"{path} does not exist; `paperrefs add ID` creates it")
        try:
            salvaged = salvage_bib(path)
        except OSError as error:
            warn("bib", f"cannot read {path}: {error.strerror}")
            salvaged = Salvaged()
        for problem in salvaged.problems:
            warn(
                "bib",
                f"{problem.message}; this part of the bib is left out of the build until fixed",
                location=f"{problem.path}:{problem.line}" if problem.line else str(problem.path),
            )
        self.library = Library(salvaged.entries)
        return salvaged

    def paper_docname(self, paper: Paper) -> str:
        return f"{self.env.config.paperrefs_papers_dir}/{paper.slug}"

    # -- per-document records -------------------------------------------------------------

    @property
    def notes(self) -> dict[str, list[Note]]:
        return self.data["notes"]  # type: ignore[no-any-return]

    @property
    def citations(self) -> dict[str, list[Citation]]:
        return self.data["citations"]  # type: ignore[no-any-return]

    @property
    def depends(self) -> dict[str, set[str]]:
        return self.data["depends"]  # type: ignore[no-any-return]

    @property
    def shows(self) -> dict[str, set[str]]:
        return self.data["shows"]  # type: ignore[no-any-return]

    @property
    def snapshot(self) -> dict[str, Any]:
        return self.data["snapshot"]  # type: ignore[no-any-return]

    def note_dependency(self, docname: str, token: str) -> None:
        """Re-read ``docname`` when what ``token`` names changes in the bib."""
        self.depends.setdefault(docname, set()).add(token)

    def note_shows(self, docname: str, view: str) -> None:
        """Rewrite ``docname`` when the cross-document ``view`` changes."""
        self.shows.setdefault(docname, set()).add(view)

    def clear_doc(self, docname: str) -> None:
        for records in (self.notes, self.citations, self.depends, self.shows):
            records.pop(docname, None)
        self._views = None

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name in ("notes", "citations", "depends", "shows"):
            for docname, records in otherdata[name].items():
                if docname in docnames:
                    self.data[name][docname] = records
        self._views = None

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        notes: list[Note] = []
        citations: list[Citation] = []
        for node in document.findall(note_marker):
            note = self._note_from_marker(docname, node)
            notes.append(note)
            if note.key:
                citations.append(Citation(note.place, note.key, "note", note.version))
        for xref in document.findall(addnodes.pending_xref):
            citations.extend(self._citations_from_xref(docname, xref))
        for reference in document.findall(nodes.reference):
            if citation := self._citation_from_link(docname, reference):
                citations.append(citation)
        if notes:
            self.notes[docname] = notes
        if citations:
            self.citations[docname] = citations
        self._views = None

    def _note_from_marker(self, docname: str, node: note_marker) -> Note:
        return Note(
            place=place_of(docname, node, snippet_after(node)),
            key=node["key"],
            given=node["given"],
            version=node["version"],
            added=node["added"],
            updated=tuple(node["updated"]),
        )

    def _citations_from_xref(self, docname: str, xref: addnodes.pending_xref) -> list[Citation]:
        domain, target = xref.get("refdomain"), xref.get("reftarget", "")
        if domain == "paperrefs" and xref.get("paperrefs_kind"):
            place = place_of(docname, xref, snippet_around(xref))
            return [Citation(place, target, xref["paperrefs_kind"], xref.get("paperrefs_version"))]
        if domain != "cite":
            return []
        citations = []
        for cite_target in parse_citation_targets(target):
            self.note_dependency(docname, f"key:{cite_target.key.lower()}")
            if paper := self.library.by_key(cite_target.key):
                place = place_of(docname, xref, snippet_around(xref))
                citations.append(Citation(place, paper.key, "cite"))
        return citations

    def _citation_from_link(self, docname: str, reference: nodes.reference) -> Citation | None:
        uri = reference.get("refuri", "")
        if "arxiv.org/" not in uri or reference.get("paperrefs_generated"):
            return None
        try:
            arxiv_id = parse_arxiv_id(uri)
        except InvalidArxivId:
            return None
        # A plain link shows its author's text, not the entry: only which entry it names
        # matters, so editing that entry does not re-read the page.
        self.note_dependency(docname, f"link:{arxiv_id.base}")
        paper = self.library.by_arxiv(arxiv_id)
        if paper is None:
            return None
        place = place_of(docname, reference, snippet_around(reference))
        return Citation(place, paper.key, "link", arxiv_id.version)

    # -- cross-document views ---------------------------------------------------------------

    def views(self) -> Views:
        if self._views is None:
            self._views = self._compute_views()
        return self._views

    def _compute_views(self) -> Views:
        doc_order = document_order(self.env)

        def position(place: Place) -> tuple[int, str, int]:
            return (doc_order.get(place.docname, len(doc_order)), place.docname, place.line)

        backlinks: dict[str, list[Citation]] = defaultdict(list)
        for citations in self.citations.values():
            for citation in citations:
                backlinks[citation.key].append(citation)
        notes_by_key: dict[str, list[Note]] = defaultdict(list)
        changelog: list[ChangelogItem] = []
        for notes in self.notes.values():
            for note in notes:
                if note.key:
                    notes_by_key[note.key].append(note)
                if note.added:
                    changelog.append(ChangelogItem(note.added, "added", note))
                changelog.extend(ChangelogItem(day, "updated", note) for day in note.updated)
        for citations in backlinks.values():
            citations.sort(key=lambda citation: position(citation.place))
        for notes in notes_by_key.values():
            notes.sort(key=lambda note: position(note.place))
        # Newest first; within a day, in reading order of the site.
        changelog.sort(key=lambda item: position(item.note.place))
        changelog.sort(key=lambda item: item.date, reverse=True)
        return Views(dict(backlinks), dict(notes_by_key), changelog, doc_order)

    def view_digests(self) -> dict[str, str]:
        """A fingerprint of each view, to rewrite exactly the pages whose view changed."""
        views = self.views()
        titles = {doc: title.astext() for doc, title in self.env.titles.items()}
        digests = {f"paper:{key}": digest(citations) for key, citations in views.backlinks.items()}
        papers = self.library.digests()
        changelog = [
            (item, titles.get(item.note.place.docname), papers.get(item.note.key))
            for item in views.changelog
        ]
        digests["changelog"] = digest(changelog)
        homes = {key: notes[0].place.docname for key, notes in views.notes_by_key.items()}
        digests["index"] = digest(
            (
                sorted(self.library.digests().items()),
                sorted(homes.items()),
                sorted({doc: titles.get(doc) for doc in homes.values()}.items()),
                sorted((key, [c.place for c in cs]) for key, cs in views.backlinks.items()),
            )
        )
        digests["stats"] = digest((len(self.library), sum(map(len, self.notes.values()))))
        return digests

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
        if builder.format == "latex" or docname not in env.all_docs:
            # Paper pages are not part of a PDF: point at the paper itself instead.
            url = paper.abs_url or paper.doi_url
            if url is None:
                return None
            reference = nodes.reference("", "", contnode, refuri=url, internal=False)
        else:
            reference = make_refnode(builder, fromdocname, docname, "", contnode)
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


def tooltip(paper: Paper) -> str:
    """Plain text for a hover preview: title, authors, year."""
    authors = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "")
    return f"{paper.display_title} — {authors} ({paper.year})" if authors else paper.display_title


def digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


def place_of(docname: str, node: nodes.Element, snippet: str) -> Place:
    section = enclosing(node, nodes.section)
    anchor, heading = "", ""
    if section is not None:
        anchor = section["ids"][0] if section["ids"] else ""
        title = section.next_node(nodes.title)
        heading = title.astext() if title is not None else ""
    return Place(docname, anchor, heading, node.line or 0, snippet)


def enclosing(node: nodes.Node, kind: type[nodes.Element]) -> nodes.Element | None:
    current = node.parent
    while current is not None and not isinstance(current, kind):
        current = current.parent
    return current


def snippet_around(node: nodes.Element) -> str:
    """The text of the paragraph (or list item) a citation stands in."""
    container = enclosing(node, nodes.paragraph) or enclosing(node, nodes.list_item)
    return shorten(container.astext() if container is not None else "")


def snippet_after(node: nodes.Element) -> str:
    """The first text that follows a note's header: its first bullet or paragraph."""
    parent = node.parent
    if parent is None:
        return ""
    siblings = parent.children[parent.index(node) + 1 :]
    for sibling in siblings:
        if isinstance(sibling, nodes.bullet_list | nodes.enumerated_list):
            item = sibling.next_node(nodes.paragraph)
            return shorten(item.astext() if item is not None else sibling.astext())
        if isinstance(sibling, nodes.paragraph | nodes.block_quote):
            return shorten(sibling.astext())
    return ""


def shorten(text: str, limit: int = SNIPPET_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


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
