"""The Sphinx extension's registry: every directive, role, event and setting in one place."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

import paperrefs
from paperrefs import events
from paperrefs.assets import add_page_assets
from paperrefs.directives import (
    ChangelogDirective,
    PaperDirective,
    PaperIndexDirective,
    PaperPageDirective,
    PaperStatsDirective,
)
from paperrefs.domain import PaperrefsDomain
from paperrefs.nodes import (
    collapsible,
    depart_collapsible_html,
    depart_passthrough,
    visit_collapsible_html,
    visit_passthrough,
)
from paperrefs.roles import ArxivRole

# Bump when the shape of the records kept in the environment changes.
ENV_VERSION = 1


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("sphinx_copybutton")

    app.add_config_value("paperrefs_bibfile", "", "env", types=[str])
    app.add_config_value("paperrefs_papers_dir", "papers", "env", types=[str])
    app.add_config_value("paperrefs_fetch", False, "", types=[bool])
    app.add_config_value("paperrefs_api_url", "", "", types=[str])
    app.add_config_value("paperrefs_feed", "feed.xml", "html", types=[str])
    app.add_config_value("paperrefs_feed_title", "", "html", types=[str])

    app.add_domain(PaperrefsDomain)
    app.add_directive("paper", PaperDirective)
    app.add_directive("paper-page", PaperPageDirective)
    app.add_directive("changelog", ChangelogDirective)
    app.add_directive("paper-index", PaperIndexDirective)
    app.add_directive("paper-stats", PaperStatsDirective)
    app.add_role("arxiv", ArxivRole())
    passthrough = (visit_passthrough, depart_passthrough)
    app.add_node(
        collapsible,
        html=(visit_collapsible_html, depart_collapsible_html),
        latex=passthrough,
        text=passthrough,
        man=passthrough,
        texinfo=passthrough,
    )
    app.add_css_file("paperrefs.css")
    app.add_js_file("paperrefs-preview.js", defer="defer")

    app.connect("config-inited", events.check_config)
    # Before sphinxcontrib-bibtex (priority 500) reads the bib: see give_bibtex_what_parses.
    app.connect("builder-inited", events.load_bibliography, priority=400)
    app.connect("env-get-outdated", events.outdated_by_bib_changes)
    app.connect("env-updated", events.rewrite_changed_views)
    app.connect("doctree-resolved", events.render_views)
    app.connect("doctree-resolved", events.unlink_unsafe_bib_urls)
    app.connect("build-finished", events.write_site_files)
    app.connect("html-page-context", add_page_assets)
    return {
        "version": paperrefs.__version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
