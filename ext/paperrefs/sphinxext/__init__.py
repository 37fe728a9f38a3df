"""The Sphinx extension: every directive, role, event handler and setting, in build order.

Each handler lives beside the concept it serves; this module only registers them.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from docutils.nodes import citation
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

import paperrefs
from paperrefs.sphinxext import (
    bibtex_compat,
    bibtex_pass,
    bibtex_reading,
    collect,
    defaults,
    domain,
    fetch,
    garbage,
    incremental,
    pdf,
    settings,
    sharing,
    site_files,
    theme_fixes,
    views,
    write_workers,
)
from paperrefs.sphinxext.directives import (
    ChangelogDirective,
    PaperDirective,
    PaperGraphDirective,
    PaperIndexDirective,
    PaperPageDirective,
    PaperStatsDirective,
)
from paperrefs.sphinxext.nodes import (
    collapsible,
    depart_collapsible_html,
    depart_passthrough,
    visit_collapsible_html,
    visit_passthrough,
)
from paperrefs.sphinxext.roles import ArxivRole

# Bump when the shape or the module of the records kept in the environment changes.
ENV_VERSION = 5
# sphinxcontrib-bibtex reads its bib files at builder-inited, priority 500.
BEFORE_BIBTEX = 400
AFTER_BIBTEX = 600
FIRST = 100  # before every other handler of the event
LAST = 900  # after every handler of the event, ours and other extensions'
# The themes and sphinxext-opengraph fill the page context at html-page-context, and
# sphinx-sitemap writes at build-finished, all at priority 500.
BEFORE_OTHERS = 400
AFTER_OTHERS = 600


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(bibtex_pass.IndexedBibtexDomain, override=True)
    bibtex_pass.run_bibtex_pass_only_on_change(app)
    bibtex_compat.look_up_pybtex_plugins_once()
    garbage.skip_final_collection()
    app.setup_extension("sphinx_copybutton")
    app.setup_extension("sphinx_sitemap")
    sharing.take_over_sitemap_queue(app)
    # Its import prints that social cards need matplotlib; paperrefs turns them off.
    with redirect_stdout(io.StringIO()), sharing.social_cards_left_out(app):
        app.setup_extension("sphinxext.opengraph")
    settings.register(app)

    app.add_domain(domain.PaperrefsDomain)
    app.add_directive("paper", PaperDirective)
    app.add_directive("paper-page", PaperPageDirective)
    app.add_directive("changelog", ChangelogDirective)
    app.add_directive("paper-index", PaperIndexDirective)
    app.add_directive("paper-stats", PaperStatsDirective)
    app.add_directive("paper-graph", PaperGraphDirective)
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
    app.add_post_transform(pdf.ImagesThePdfCannotHold)
    app.add_node(
        citation,
        override=True,
        html=(theme_fixes.visit_citation_html, theme_fixes.depart_citation_html),
    )
    app.add_css_file("paperrefs.css")
    app.add_js_file("paperrefs-preview.js", defer="defer")

    # Configuration, the defaults of other packages' values, then the opted-in fetch.
    app.connect("config-inited", settings.load)
    app.connect("config-inited", defaults.apply_defaults)
    app.connect("config-inited", theme_fixes.add_templates)
    app.connect("config-inited", fetch.fetch_missing)
    # What was loaded stays out of the collector's sight until the build finishes.
    app.connect("config-inited", garbage.spare_what_the_build_loaded, priority=FIRST)
    app.connect("builder-inited", garbage.spare_what_the_build_loaded, priority=FIRST)
    app.connect("builder-inited", garbage.spare_what_the_build_loaded, priority=LAST)
    app.connect("env-before-read-docs", garbage.collect_between_chunks, priority=LAST)
    app.connect("env-updated", garbage.resume_collecting, priority=FIRST)
    app.connect("env-updated", garbage.spare_write_workers, priority=LAST)
    app.connect("build-finished", garbage.collect_as_usual, priority=LAST)
    # A -j write: as many workers as jobs, the main process resolving beside them.
    app.connect("env-updated", write_workers.one_worker_per_job, priority=LAST)
    app.connect("build-finished", write_workers.restore_jobs, priority=LAST)
    # The bib is read once; a broken one is handed to sphinxcontrib-bibtex as what parses.
    app.connect("builder-inited", domain.read_bibliography, priority=BEFORE_BIBTEX)
    app.connect("builder-inited", bibtex_compat.give_bibtex_what_parses, priority=BEFORE_BIBTEX)
    app.connect(
        "builder-inited", bibtex_reading.bring_bibtex_reading_up_to_date, priority=BEFORE_BIBTEX
    )
    app.connect("builder-inited", bibtex_compat.keep_parsed_bib_home, priority=AFTER_BIBTEX)
    app.connect("builder-inited", site_files.write_paper_stubs)
    app.connect("builder-inited", site_files.add_static_files)
    # What to re-read, what each document holds, what to rewrite.
    app.connect("env-get-outdated", incremental.outdated_by_bib_changes)
    app.connect("doctree-read", collect.collect_records)
    app.connect("env-updated", incremental.rewrite_changed_views)
    app.connect("env-updated", site_files.write_entry_downloads)
    app.connect("env-updated", bibtex_compat.depend_on_bib_content)
    app.connect("env-updated", site_files.copy_mathjax)  # before pages name it
    # Placeholders filled once every document is known; bibliography links made safe.
    app.connect("doctree-resolved", bibtex_compat.read_escapes_back)
    app.connect("doctree-resolved", bibtex_compat.unlink_unsafe_bib_urls)
    app.connect("doctree-resolved", site_files.link_entry_downloads)
    app.connect("doctree-resolved", views.render_views)
    # Site-level files.
    app.connect("html-page-context", site_files.add_page_assets)
    app.connect("html-page-context", sharing.describe_page, priority=BEFORE_OTHERS)
    app.connect("html-page-context", sharing.add_twitter_card, priority=AFTER_OTHERS)
    app.connect("html-page-context", theme_fixes.escape_print_title, priority=AFTER_OTHERS)
    app.connect("build-finished", sharing.list_every_page, priority=BEFORE_OTHERS)
    app.connect("build-finished", site_files.write_site_files)
    app.connect("build-finished", pdf.write_support_files)
    return {
        "version": paperrefs.__version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
