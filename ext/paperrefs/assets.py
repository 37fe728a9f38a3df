"""Per-page HTML assets: the index filter only where the references index is, and a feed
link in every page's head so feed readers find the changelog."""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from paperrefs.domain import PaperrefsDomain
from paperrefs.views import feed_file

FILTER_SCRIPT = "paperrefs-filter.js"


def add_page_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    domain = app.env.domains["paperrefs"]
    assert isinstance(domain, PaperrefsDomain)
    # Scripts added during html-page-context belong to this page only.
    if "index" in domain.shows.get(pagename, set()):
        builder.add_js_file(FILTER_SCRIPT, defer="defer")
    feed = feed_file(app.config)
    if feed and "pathto" in context:
        title = f"{app.config.html_title or app.config.project}: new notes"
        href = context["pathto"](feed, 1)
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" type="application/atom+xml" '
            f'title="{escape(title)}" href="{escape(href)}" />'
        )
