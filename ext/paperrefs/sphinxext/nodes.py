"""Doctree nodes of the extension.

Markers and placeholders never reach a writer: the domain collects markers after a
document is read, and placeholders are replaced once every document has been read.
Only :class:`collapsible` is rendered, as ``<details>`` in HTML and as its content
elsewhere.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

# Attributes paperrefs sets on Sphinx's own nodes, read back when a document is collected.
CITATION_KIND = "paperrefs_kind"  # on a pending_xref that counts as a citation: a CitationKind
COVERED_VERSION = "paperrefs_version"  # the arXiv version that citation names, or None
GENERATED = "paperrefs_generated"  # on a reference paperrefs made, not an author's link
PLAIN_TEXT = "paperrefs_plain"  # on a math node made from metadata: its text for non-MathJax output


class note_marker(nodes.Invisible, nodes.Element):
    """Where a ``paper`` directive stands: attributes key, given, added, updated."""


class backlinks_placeholder(nodes.General, nodes.Element):
    """The "cited in" list of a paper page (attribute key)."""


class related_placeholder(nodes.General, nodes.Element):
    """The papers read with one paper, on its page (attribute key)."""


class graph_placeholder(nodes.General, nodes.Element):
    """The map of the notes."""


class changelog_placeholder(nodes.General, nodes.Element):
    """The changelog (attribute limit: how many dates, 0 for all)."""


class index_placeholder(nodes.General, nodes.Element):
    """The references index."""


class stats_placeholder(nodes.General, nodes.Element):
    """The computed "N papers, M notes" line."""


class entry_download(nodes.General, nodes.Element):
    """The link to one entry's ``.bib`` file (attribute slug; the literal file name inside),
    made a download where the builder writes those files (``site_files.py``)."""


PLACEHOLDERS = (
    backlinks_placeholder,
    related_placeholder,
    changelog_placeholder,
    index_placeholder,
    stats_placeholder,
    graph_placeholder,
)


class collapsible(nodes.General, nodes.Element):
    """Content a reader can expand; attribute summary is plain text."""


def visit_collapsible_html(self: HTML5Translator, node: collapsible) -> None:
    self.body.append(self.starttag(node, "details", CLASS="paperrefs-collapsible"))
    self.body.append(f"<summary>{self.encode(node['summary'])}</summary>")


def depart_collapsible_html(self: HTML5Translator, node: collapsible) -> None:
    self.body.append("</details>\n")


def visit_passthrough(self: object, node: nodes.Element) -> None:
    """Non-HTML builders render the content and ignore the wrapper."""


def depart_passthrough(self: object, node: nodes.Element) -> None:
    pass
