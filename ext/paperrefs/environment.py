"""Every environment variable paperrefs reads, read in this one place.

The command line and the Sphinx extension both take their environment from
:meth:`Environment.read`, so a variable means the same to both and a test can hand
either one an environment of its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ARXIV_API = "PAPERREFS_ARXIV_API"  # the arXiv API endpoint, for mirrors and tests
DOI_URL = "PAPERREFS_DOI_URL"  # the DOI resolver, for mirrors and tests
CONTACT = "PAPERREFS_CONTACT"  # an e-mail address sent with DOI requests, as Crossref asks
THROTTLE_FILE = "PAPERREFS_THROTTLE_FILE"  # the rate-limit stamp shared by all processes
FETCH = "PAPERREFS_FETCH"  # "1" or "true": a build fetches cited IDs the bib lacks
CANONICAL_URL = "READTHEDOCS_CANONICAL_URL"  # set by Read the Docs: the site's address
CACHE_HOME = "XDG_CACHE_HOME"

_TRUE = frozenset({"1", "true"})


@dataclass(frozen=True, kw_only=True)
class Environment:
    """What the environment says, with empty variables counted as unset."""

    arxiv_api: str = ""
    doi_url: str = ""
    contact: str = ""
    throttle_file: Path | None = None
    cache_home: Path
    fetch: bool = False
    canonical_url: str = ""

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        env = os.environ if environ is None else environ
        throttle = env.get(THROTTLE_FILE, "")
        cache = env.get(CACHE_HOME, "")
        return cls(
            arxiv_api=env.get(ARXIV_API, ""),
            doi_url=env.get(DOI_URL, ""),
            contact=env.get(CONTACT, ""),
            throttle_file=Path(throttle) if throttle else None,
            cache_home=Path(cache) if cache else Path.home() / ".cache",
            fetch=env.get(FETCH, "").lower() in _TRUE,
            canonical_url=env.get(CANONICAL_URL, ""),
        )
