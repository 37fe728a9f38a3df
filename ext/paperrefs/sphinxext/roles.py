"""The ``arxiv`` role: an inline citation by arXiv ID, linked to the paper's page."""

from __future__ import annotations

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.util.docutils import SphinxRole

from paperrefs.ids import InvalidArxivId, parse_arxiv_id
from paperrefs.records import CitationKind
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.incremental import citation_token, preview_view
from paperrefs.sphinxext.warnings import SYNC_HINT, Warn, warn


class ArxivRole(SphinxRole):
    def run(self) -> tuple[list[Node], list[system_message]]:
        domain = domain_of(self.env)
        try:
            arxiv_id = parse_arxiv_id(self.text.strip())
        except InvalidArxivId as error:
            warn(Warn.BAD_ID, str(error), location=self.get_location())
            return [nodes.inline("", self.text, classes=["paperrefs-unresolved"])], []
        domain.note_dependency(self.env.docname, citation_token(arxiv_id))
        paper = domain.library.by_arxiv(arxiv_id)
        if paper is None:
            warn(
                Warn.UNRESOLVED,
                f"arXiv:{arxiv_id} is not in the bibliography; {SYNC_HINT}",
                location=self.get_location(),
            )
            link = render.external_link(f"arXiv:{arxiv_id}", arxiv_id.abs_url)
            return [nodes.inline("", "", link, classes=["paperrefs-unresolved"])], []
        domain.note_shows(self.env.docname, preview_view(paper.key))
        xref = render.short_citation(paper, arxiv_id.version, CitationKind.ARXIV)
        self.set_source_info(xref)
        return [xref], []
