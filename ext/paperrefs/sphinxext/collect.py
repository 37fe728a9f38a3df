"""From a read doctree to the records the domain keeps: its notes and every citation in it.

Runs on ``doctree-read``, once per document and in the worker that read it; what it
finds is merged into the main process with the rest of the domain's data.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from paperrefs.ids import (
    ARXIV_URL,
    DOI_URL,
    ArxivId,
    Doi,
    InvalidArxivId,
    InvalidDoi,
    parse_arxiv_id,
    parse_doi,
)
from paperrefs.records import Citation, CitationKind, Note, Place
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of
from paperrefs.sphinxext.incremental import key_token, link_token
from paperrefs.sphinxext.nodes import CITATION_KIND, COVERED_VERSION, GENERATED, note_marker
from paperrefs.sphinxext.warnings import SYNC_HINT, Warn, warn
from paperrefs.text import shorten


def collect_records(app: Sphinx, document: nodes.document) -> None:
    domain = domain_of(app.env)
    docname = app.env.docname
    notes: list[Note] = []
    citations: list[Citation] = []
    for node in document.findall(note_marker):
        note = note_from_marker(docname, node)
        notes.append(note)
        if note.key:
            citations.append(Citation(note.place, note.key, CitationKind.NOTE, note.version))
    for xref in document.findall(addnodes.pending_xref):
        citations.extend(citations_from_xref(domain, docname, xref))
    for reference in document.findall(nodes.reference):
        if citation := citation_from_link(domain, docname, reference):
            citations.append(citation)
    domain.store_records(docname, notes, citations)


def note_from_marker(docname: str, node: note_marker) -> Note:
    return Note(
        place=place_of(docname, node, snippet_after(node)),
        key=node["key"],
        given=node["given"],
        version=node["version"],
        added=node["added"],
        updated=tuple(node["updated"]),
    )


def citations_from_xref(
    domain: PaperrefsDomain, docname: str, xref: addnodes.pending_xref
) -> list[Citation]:
    refdomain, target = xref.get("refdomain"), xref.get("reftarget", "")
    if refdomain == "paperrefs" and xref.get(CITATION_KIND):
        place = place_of(docname, xref, snippet_around(xref))
        return [Citation(place, target, xref[CITATION_KIND], xref.get(COVERED_VERSION))]
    if refdomain != "cite":
        return []
    citations = []
    for cite_target in parse_citation_targets(target):
        domain.note_dependency(docname, key_token(cite_target.key))
        if paper := domain.library.by_key(cite_target.key):
            place = place_of(docname, xref, snippet_around(xref))
            citations.append(Citation(place, paper.key, CitationKind.CITE))
    return citations


def citation_from_link(
    domain: PaperrefsDomain, docname: str, reference: nodes.reference
) -> Citation | None:
    """A plain link to an arXiv page or to doi.org, when the bib holds what it names."""
    uri = reference.get("refuri", "")
    if reference.get(GENERATED):
        return None
    target = link_target(uri)
    if target is None:
        return None
    # A plain link shows its author's text, not the entry: only which entry it names
    # matters, so editing that entry does not re-read the page.
    domain.note_dependency(docname, link_token(target))
    if isinstance(target, Doi):
        paper, version = domain.library.by_doi(target), None
    else:
        paper, version = domain.library.by_arxiv(target), target.version
        if paper is None:  # paperrefs sync fetches what notes link to, as `check` says
            warn(
                Warn.UNRESOLVED,
                f"arXiv:{target} is linked but not in the bibliography; {SYNC_HINT}",
                location=reference,
            )
    if paper is None:
        return None
    place = place_of(docname, reference, snippet_around(reference))
    return Citation(place, paper.key, CitationKind.LINK, version)


def link_target(uri: str) -> ArxivId | Doi | None:
    try:
        if ARXIV_URL.match(uri):
            return parse_arxiv_id(uri)
        if DOI_URL.match(uri):
            return parse_doi(uri)
    except (InvalidArxivId, InvalidDoi):
        return None
    return None


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
