"""The extension's settings: declared once, read once at ``config-inited``, then frozen.

Every ``paperrefs_*`` value is declared in :data:`SETTINGS` (the table in
``docs/howto/paperrefs.md`` lists exactly these, a test checks), registered in a loop,
and combined with the Sphinx values and environment variables it depends on into one
:class:`Settings` object. Handlers and directives read that object through
:func:`settings_of`; no config value is rewritten to carry information between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.config import Config

from paperrefs.environment import Environment
from paperrefs.fetching import api_url
from paperrefs.project import chosen_bib, inside
from paperrefs.sphinxext.warnings import Warn, warn

Rebuild = Literal["env", "html", ""]


@dataclass(frozen=True)
class Declared:
    """One ``paperrefs_*`` value as ``conf.py`` sets it."""

    name: str
    default: str | bool
    rebuild: Rebuild  # what Sphinx rebuilds when the value changes


SETTINGS: Sequence[Declared] = (
    Declared("paperrefs_bibfile", "", "env"),
    Declared("paperrefs_papers_dir", "papers", "env"),
    Declared("paperrefs_fetch", False, ""),
    Declared("paperrefs_api_url", "", ""),
    Declared("paperrefs_feed", "feed.xml", "html"),
    Declared("paperrefs_feed_title", "", "html"),
    Declared("paperrefs_offline_math", True, "html"),
)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the extension does, as decided from ``conf.py`` and the environment."""

    bib_path: Path | None  # absolute; None when neither setting names a bibliography
    papers_dir: str  # relative folder of the generated paper pages, inside the sources
    fetch: bool
    api_url: str
    feed_name: str  # "" when the site publishes no feed
    feed_title: str
    site_title: str
    site_url: str  # absolute, ending in "/"; "" when the site's address is unknown
    author: str
    offline_math: bool  # MathJax served from the site itself

    @property
    def feed_file(self) -> str:
        """The feed's file name, or "" when the build writes none (it needs a base URL)."""
        return self.feed_name if self.site_url else ""

    @classmethod
    def from_config(
        cls, config: Config, confdir: Path, environment: Environment
    ) -> tuple[Settings, list[str]]:
        """The settings, and what is wrong with the values given (already replaced)."""
        problems: list[str] = []
        bib_name = chosen_bib(config.paperrefs_bibfile, config.bibtex_bibfiles or [])
        if not bib_name:
            problems.append("set paperrefs_bibfile (or bibtex_bibfiles) to the bibliography's path")
        papers_dir = config.paperrefs_papers_dir
        if not inside(papers_dir):
            problems.append(f"paperrefs_papers_dir {papers_dir!r} must be a folder inside the docs")
            papers_dir = "papers"
        feed_name = config.paperrefs_feed
        if feed_name and not inside(feed_name):
            problems.append(f"paperrefs_feed {feed_name!r} must be a file name inside the site")
            feed_name = "feed.xml"
        site_title = config.html_title or config.project
        settings = cls(
            bib_path=(confdir / bib_name).resolve() if bib_name else None,
            papers_dir=papers_dir,
            fetch=bool(config.paperrefs_fetch) or environment.fetch,
            api_url=api_url(config.paperrefs_api_url, environment),
            feed_name=feed_name,
            feed_title=config.paperrefs_feed_title or site_title,
            site_title=site_title,
            site_url=_with_slash(config.html_baseurl or environment.canonical_url),
            author=config.author,
            offline_math=bool(config.paperrefs_offline_math),
        )
        return settings, problems


def _with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


_BUILT: WeakKeyDictionary[Config, Settings] = WeakKeyDictionary()


def register(app: Sphinx) -> None:
    for declared in SETTINGS:
        app.add_config_value(
            declared.name, declared.default, declared.rebuild, types=[type(declared.default)]
        )


def load(app: Sphinx, config: Config) -> None:
    """``config-inited``: build and validate the settings, warning once about bad values."""
    settings, problems = Settings.from_config(config, Path(app.confdir), Environment.read())
    for problem in problems:
        warn(Warn.CONFIG, problem)
    _BUILT[config] = settings


def settings_of(config: Config) -> Settings:
    """The settings built for this configuration at ``config-inited``.

    Kept beside the configuration they came from, weakly, so they live exactly as long as
    the Sphinx application; parallel workers inherit them with the rest of the process.
    """
    return _BUILT[config]
