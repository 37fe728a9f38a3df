"""What a site gets without configuring it: values of Sphinx, sphinxcontrib-bibtex, the
book theme, sphinx-sitemap and sphinxext-opengraph that paperrefs sets at
``config-inited``, each only where the user set none.

A value is the user's when ``conf.py`` assigns it (even to the registered default), when
``-D`` gives it, or when it no longer equals the default its owner registered (another
extension changed it first). A dictionary the user gives keeps every key the user wrote;
paperrefs adds only the keys it lacks. ``docs/howto/paperrefs.md`` lists every default.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from paperrefs.sphinxext import pdf, sharing
from paperrefs.sphinxext.settings import settings_of
from paperrefs.sphinxext.site_files import MATHJAX_PATH, mathjax_source
from paperrefs.sphinxext.warnings import Warn, warn

# Citations read as the rest of the site does ("Ebadi et al., 2021", never "[PRL21]"), and
# link to an anchor named for the entry: numbered anchors shift whenever an entry is added
# above, which broke every outside link to them and rewrote every citing page.
BIBTEX = {
    "bibtex_reference_style": "author_year",
    "bibtex_default_style": "plain",
    "bibtex_cite_id": "cite-{bibliography_count}-{key}",
}
BOOK_THEME = "sphinx_book_theme"
# The book theme keeps search in the sidebar; without an empty navbar_persistent its parent
# theme adds a second search field in a header bar of its own. Without a default mode the
# parent theme logs a console error on a reader's first visit.
BOOK_THEME_OPTIONS: dict[str, Any] = {"navbar_persistent": []}
BOOK_THEME_CONTEXT = {"default_mode": "auto"}


def set_by_user(config: Config, name: str) -> bool:
    """Whether the value ``name`` comes from the user (or another extension), not a default."""
    if name in config._raw_config or name in config.overrides:
        return True
    option = config.values.get(name)
    if option is None:
        return False
    default = option.default(config) if callable(option.default) else option.default
    return bool(config[name] != default)


def default(config: Config, name: str, value: object) -> None:
    """Set ``name`` to ``value`` unless the user set it (or nothing registered it)."""
    if name in config and not set_by_user(config, name):
        config[name] = value


def default_keys(config: Config, name: str, defaults: Mapping[str, Any]) -> None:
    """Add to the dictionary ``name`` each key of ``defaults`` it lacks.

    A new dictionary is assigned: the one Sphinx registered as default is shared by every
    application of the process and must never be changed in place.
    """
    if name in config:
        config[name] = {**deepcopy(dict(defaults)), **(config[name] or {})}


def apply_defaults(app: Sphinx, config: Config) -> None:
    """``config-inited``, after the settings: every default of the extension."""
    for name, value in BIBTEX.items():
        default(config, name, value)
    if config.html_theme == BOOK_THEME:
        default_keys(config, "html_theme_options", BOOK_THEME_OPTIONS)
        default_keys(config, "html_context", BOOK_THEME_CONTEXT)
    share(config)
    if settings_of(config).offline_math:
        if mathjax_source() is not None:
            default(config, "mathjax_path", MATHJAX_PATH)
        else:
            warn(Warn.CONFIG, "paperrefs_offline_math needs the sphinx-mathjax-offline package")
    # The PDF: LuaLaTeX where Sphinx would pick pdflatex, and its settings.
    if config.latex_engine == "pdflatex":
        default(config, "latex_engine", pdf.ENGINE)
    if config.latex_engine == pdf.ENGINE:
        default_keys(config, "latex_elements", pdf.LATEX_ELEMENTS)
        # Loaded again after the fonts (then a no-op): a site with font settings of its
        # own still gets the stand-ins.
        app.add_latex_package(pdf.PACKAGE)


def share(config: Config) -> None:
    """The site's address for canonical links, the sitemap and link previews; the favicon."""
    site_url = settings_of(config).site_url
    default(config, "html_baseurl", site_url)
    default(config, "html_favicon", str(sharing.FAVICON))
    default(config, "ogp_site_url", site_url)
    default_keys(config, "ogp_social_cards", sharing.NO_SOCIAL_CARDS)
    default(config, "site_url", site_url)
    default(config, "sitemap_url_scheme", "{link}")
    default(config, "sitemap_excludes", sharing.NOT_IN_SITEMAP)
    if not (config.site_url or config.html_baseurl):
        config.suppress_warnings = [*config.suppress_warnings, sharing.SITEMAP_WITHOUT_URL]
