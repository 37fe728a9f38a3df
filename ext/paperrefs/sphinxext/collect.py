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
from paperrefs.sphinxext.incremental import citation_token, link_token
from paperrefs.sphinxext.nodes import (
    CITATION_KIND,
    COVERED_VERSION,
    GENERATED,
    PLAIN_TEXT,
    note_marker,
)
from paperrefs.sphinxext.warnings import SYNC_HINT, Warn, warn
from paperrefs.text import shorten


def collect_records(app: Sphinx, document: nodes.document) -> None:
    domain = domain_of(app.env)
    docname = app.env.docname
    notes: list[Note] = []
    citations: list[Citation] = []
    for node in document.findall(note_marker):
        note = note_from_marker(domain, docname, node)
        notes.append(note)
        if note.key:
            citations.append(Citation(note.place, note.key, CitationKind.NOTE, note.version))
    for xref in document.findall(addnodes.pending_xref):
        citations.extend(citations_from_xref(domain, docname, xref))
    for reference in document.findall(nodes.reference):
        if citation := citation_from_link(domain, docname, reference):
            citations.append(citation)
    domain.store_records(docname, notes, citations)
    plain_titles(app, docname)


def plain_titles(app: Sphinx, docname: str) -> None:
    """The document's title as plain text where Sphinx uses it as text (``<title>``, the
    search index, links to the page): math made from metadata is read as Unicode there,
    while the heading itself keeps it. Runs after Sphinx's own title collector."""
    for titles in (app.env.titles, app.env.longtitles):
        title = titles.get(docname)
        if title is None:
            continue
        for math in list(title.findall(nodes.math)):
            if PLAIN_TEXT in math.attributes:
                math.replace_self(nodes.Text(math[PLAIN_TEXT]))


def note_from_marker(domain: PaperrefsDomain, docname: str, node: note_marker) -> Note:
    return Note(
        place=place_of(docname, node, snippet_after(domain, node)),
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
        place = place_of(docname, xref, snippet_around(domain, xref))
        return [Citation(place, target, xref[CITATION_KIND], xref.get(COVERED_VERSION))]
    if refdomain != "cite":
        return []
    citations = []
    for cite_target in parse_citation_targets(target):
        domain.note_dependency(docname, citation_token(cite_target.key))
        if paper := domain.library.by_key(cite_target.key):
            place = place_of(docname, xref, snippet_around(domain, xref))
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
    place = place_of(docname, reference, snippet_around(domain, reference))
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


def snippet_around(domain: PaperrefsDomain, node: nodes.Element) -> str:
    """The text of the paragraph (or list item) a citation stands in."""
    container = enclosing(node, nodes.paragraph) or enclosing(node, nodes.list_item)
    return shorten(readable_text(domain, container) if container is not None else "")


def readable_text(domain: PaperrefsDomain, node: nodes.Node) -> str:
    """A node's text as readers see it: a ``{cite}`` reads as its citation, not its key.

    sphinxcontrib-bibtex renders citations only once every document is read; a snippet is
    taken while reading, so the citation text is made here from the bibliography.
    """
    if isinstance(node, addnodes.pending_xref) and node["refdomain"] == "cite":
        return cite_text(domain, node["reftype"], node["reftarget"])
    if isinstance(node, nodes.Text):
        return node.astext()
    separator = node.child_text_separator if isinstance(node, nodes.Element) else ""
    return separator.join(readable_text(domain, child) for child in node.children)


def cite_text(domain: PaperrefsDomain, role: str, target: str) -> str:
    """What a cite role shows, near enough for a snippet: "Porres et al., 2021", or
    "Porres et al. (2021)" for the textual roles (``cite:t``)."""
    shown = []
    for cite_target in parse_citation_targets(target):
        paper = domain.library.by_key(cite_target.key)
        if paper is None:
            shown.append(cite_target.key)
        elif role.startswith("author"):
            shown.append(paper.short_authors)
        elif role.startswith("year"):
            shown.append(paper.year)
        elif role.startswith(("t", "ct")) and paper.year:
            shown.append(f"{paper.short_authors} ({paper.year})")
        else:
            shown.append(paper.short_citation)
    return "; ".join(shown)


def snippet_after(domain: PaperrefsDomain, node: nodes.Element) -> str:
    """The first text that follows a note's header: its first bullet or paragraph."""
    parent = node.parent
    if parent is None:
        return ""
    siblings = parent.children[parent.index(node) + 1 :]
    for sibling in siblings:
        if isinstance(sibling, nodes.bullet_list | nodes.enumerated_list):
            item = sibling.next_node(nodes.paragraph)
            return shorten(readable_text(domain, item if item is not None else sibling))
        if isinstance(sibling, nodes.paragraph | nodes.block_quote):
            return shorten(readable_text(domain, sibling))
    return ""
