"""Corrections to the HTML that docutils and the book theme write, so a paperrefs site is
accessible and safe whatever those packages do. Each is a no-op where its cause is absent.

- docutils gives each bibliography entry ``role="doc-biblioentry"`` inside a
  ``role="list"``: ARIA allows only list items there (and deprecates that role), so the
  entries become ``role="listitem"``.
- the PyData theme names its search button "Search" with an ``aria-label`` while it shows
  "Search Ctrl+K"; a template of paperrefs drops that label, so the button is named by
  what it shows.
- the book theme writes the page title, as plain text, unescaped into a print-only
  heading: a title holding markup would run. It gets the title escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.writers.html5 import HTML5Translator

TEMPLATES = Path(__file__).parent / "templates"
LIST_ITEM = 'role="listitem"'
DEPRECATED_ROLE = 'role="doc-biblioentry"'


def visit_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    """The translator's own markup for an entry, with the role a list's child may have."""
    start = len(self.body)
    type(self).visit_citation(self, node)
    self.body[start:] = [part.replace(DEPRECATED_ROLE, LIST_ITEM) for part in self.body[start:]]


def depart_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    type(self).depart_citation(self, node)


def add_templates(app: Sphinx, config: Config) -> None:
    """``config-inited``: paperrefs' templates after the site's own, so a site's template of
    the same name wins; the theme's components folder comes later still (the theme adds it
    when the builder loads it)."""
    folder = str(TEMPLATES)
    if folder not in config.templates_path:
        config.templates_path.append(folder)


def escape_print_title(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``, after the theme's: the print heading's title as escaped text.

    Only the value the book theme put there (the title node's plain text) is escaped, so a
    theme or extension that already gives HTML is not escaped twice.
    """
    title = app.env.titles.get(pagename)
    if title is not None and context.get("pagetitle") == title.astext():
        context["pagetitle"] = escape(title.astext())
