"""An opted-in build fetches the cited arXiv IDs the bib lacks, before anything reads the bib.

Off unless ``paperrefs_fetch = True`` or ``PAPERREFS_FETCH=1``: builds never need the
network by default. Runs on ``config-inited``, in the main process before any worker
starts and before sphinxcontrib-bibtex reads the bib; the bib is written only when arXiv
returned new entries, so a build with nothing new leaves its mtime alone.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from paperrefs.arxiv import ArxivClient
from paperrefs.bibfile import BibError
from paperrefs.fetching import add_ids
from paperrefs.scan import scan_docs
from paperrefs.sphinxext.settings import settings_of
from paperrefs.sphinxext.warnings import Warn, warn


def fetch_missing(app: Sphinx, config: Config) -> None:
    settings = settings_of(config)
    if not settings.fetch or settings.bib_path is None:
        return
    citations = scan_docs(Path(app.srcdir), settings.papers_dir)
    try:
        with ArxivClient(settings.api_url) as client:
            report = add_ids(settings.bib_path, sorted(citations.arxiv), client)
    except BibError as error:
        warn(Warn.BIB, error.message, location=error.location)
        return
    for arxiv_id in report.missing:
        warn(Warn.FETCH, f"arXiv has no paper arXiv:{arxiv_id}")
    for arxiv_id, reason in report.failed.items():
        warn(Warn.FETCH, f"could not fetch arXiv:{arxiv_id} ({reason}); the bib is left as it was")
