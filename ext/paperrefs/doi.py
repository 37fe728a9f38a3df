"""Fetch a work's metadata by its DOI, through doi.org content negotiation.

``GET {base}/{doi}`` with ``Accept: application/vnd.citationstyles.csl+json``: doi.org
redirects to the registration agency (Crossref, DataCite, ...), which answers in
CSL-JSON. The same etiquette as for arXiv applies (:mod:`paperrefs.polite_http`): a
User-Agent naming paperrefs and, when the user gave one, a contact address (Crossref's
"polite pool" asks for it), one connection, a small rate shared across processes,
backoff on 429/503, timeouts and a size cap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from paperrefs import __version__
from paperrefs.csl import NotCsl, Work, parse_csl
from paperrefs.environment import Environment
from paperrefs.ids import Doi
from paperrefs.polite_http import Answer, PoliteSession, RequestFailed, Transient
from paperrefs.throttle import default_throttle_path

DEFAULT_DOI_URL = "https://doi.org"
CSL_JSON = "application/vnd.citationstyles.csl+json"
MIN_INTERVAL = 1.0  # well below what doi.org and Crossref allow, for every process together
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRY_BUDGET = 60.0

logger = logging.getLogger("paperrefs.doi")


def doi_url(explicit: str | None = None, environment: Environment | None = None) -> str:
    """The command-line option, else ``$PAPERREFS_DOI_URL``, else doi.org itself."""
    env = environment or Environment.read()
    return (explicit or env.doi_url or DEFAULT_DOI_URL).rstrip("/")


def user_agent(contact: str) -> str:
    agent = f"paperrefs/{__version__} (+https://github.com/paperrefs/paperrefs"
    return agent + (f"; mailto:{contact})" if contact else ")")


def doi_throttle_path(environment: Environment | None = None) -> Path:
    """Beside arXiv's stamp file: the two services have separate budgets."""
    return default_throttle_path(environment).with_name("doi-throttle")


@dataclass
class DoiResult:
    """Outcome per requested DOI: every DOI ends up in exactly one of the three."""

    found: dict[Doi, Work] = field(default_factory=dict)
    missing: list[Doi] = field(default_factory=list)  # no such DOI (HTTP 404)
    failed: dict[Doi, str] = field(default_factory=dict)


class DoiClient:
    """Resolves DOIs to works; use as a context manager or call close()."""

    def __init__(
        self,
        base_url: str = DEFAULT_DOI_URL,
        *,
        contact: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        min_interval: float = MIN_INTERVAL,
        throttle_path: Path | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = PoliteSession(
            service="doi.org",
            user_agent=user_agent(contact),
            min_interval=min_interval,
            timeout=timeout,
            retry_budget=retry_budget,
            throttle_path=throttle_path or doi_throttle_path(),
            logger=logger,
            accept=CSL_JSON,
        )

    def __enter__(self) -> DoiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def fetch(
        self, dois: Sequence[Doi], progress: Callable[[int], None] | None = None
    ) -> DoiResult:
        """One request per DOI (content negotiation has no batches), spaced by the throttle."""
        self._session.start_run()
        result = DoiResult()
        for doi in dict.fromkeys(dois):
            url = f"{self.base_url}/{quote(doi.value, safe='/:;()._-')}"
            try:
                work = self._session.request(url, _interpret, accepted=frozenset({200, 404, 406}))
            except RequestFailed as exc:
                result.failed[doi] = exc.reason
            else:
                if work is None:
                    result.missing.append(doi)
                elif problem := _incomplete(work, doi):
                    result.failed[doi] = problem
                else:
                    result.found[doi] = work
            if progress is not None:
                progress(1)
        return result


def _interpret(answer: Answer) -> Work | None:
    if answer.status == 404:
        return None
    if answer.status == 406:
        # doi.org forwards content negotiation to the agency that registered the DOI;
        # some agencies offer no CSL-JSON at all.
        raise RequestFailed(
            "the agency that registered this DOI offers no CSL-JSON metadata (HTTP 406); "
            "write its entry by hand"
        )
    kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in {"text/html", "application/xhtml+xml"}:
        # A landing page instead of metadata: the agency does not negotiate for this DOI.
        raise RequestFailed("doi.org answered with a web page, not CSL-JSON metadata")
    try:
        return parse_csl(answer.body)
    except NotCsl as exc:
        if not answer.body.strip():
            raise Transient("an empty answer") from exc
        raise RequestFailed(f"the answer is not CSL-JSON metadata: {exc}") from exc


def _incomplete(work: Work, requested: Doi) -> str | None:
    if work.doi != requested:
        return f"the record describes another DOI ({work.doi})"
    if not work.title:
        return "its record has no title (add the entry by hand if that is right)"
    if not (work.authors or work.editors):
        return "its record has no authors (add the entry by hand if that is right)"
    return None
