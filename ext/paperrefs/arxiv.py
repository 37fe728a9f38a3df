"""Fetch paper metadata from the arXiv API, politely and without trusting the answer.

Sphinx-free. The rules come from how the API really behaves: ``max_results`` defaults to
10 even for an ID list, results come back in any order, one malformed ID makes arXiv
reject the whole batch, transient failures can look like an empty or short feed, and
429/503 answers are common even for clients under the documented rate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from paperrefs import __version__
from paperrefs.atom import FeedError, ParsedFeed, parse_feed
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata
from paperrefs.polite_http import (
    DEFAULT_MAX_BYTES,
    Answer,
    PoliteSession,
    Rejected,
    RequestFailed,
    Transient,
)
from paperrefs.throttle import MIN_INTERVAL

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_USER_AGENT = f"paperrefs/{__version__} (+https://github.com/paperrefs/paperrefs)"
BATCH_SIZE = 100  # longer GET URLs run into HTTP 414 long before arXiv's result limits
# Long enough to sit out a typical 429 cooldown, short enough for a 15-minute CI build.
DEFAULT_RETRY_BUDGET = 60.0
DEFAULT_TIMEOUT = 30.0  # for one request; arXiv can take a while to assemble 100 entries

logger = logging.getLogger("paperrefs.arxiv")


@dataclass
class FetchResult:
    """Outcome per requested ID: every ID ends up in exactly one of the three."""

    found: dict[ArxivId, PaperMetadata] = field(default_factory=dict)
    missing: list[ArxivId] = field(default_factory=list)
    failed: dict[ArxivId, str] = field(default_factory=dict)

    def merge(self, other: FetchResult) -> None:
        self.found.update(other.found)
        self.missing.extend(other.missing)
        self.failed.update(other.failed)


class ArxivClient:
    """Resolves arXiv IDs through the API; use as a context manager or call close()."""

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        *,
        min_interval: float = MIN_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = 4,
        max_bytes: int = DEFAULT_MAX_BYTES,
        throttle_path: Path | None = None,
        user_agent: str | None = None,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
    ) -> None:
        self.api_url = api_url
        self._session = PoliteSession(
            service="arXiv",
            user_agent=user_agent or DEFAULT_USER_AGENT,
            min_interval=min_interval,
            timeout=timeout,
            retry_budget=retry_budget,
            throttle_path=throttle_path,
            logger=logger,
            max_attempts=max_attempts,
            max_bytes=max_bytes,
        )

    @property
    def max_retry_wait(self) -> float:
        """Upper bound for any single pause between attempts, including a Retry-After."""
        return self._session.max_retry_wait

    @max_retry_wait.setter
    def max_retry_wait(self, seconds: float) -> None:
        self._session.max_retry_wait = seconds

    def __enter__(self) -> ArxivClient:
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
        self, ids: Sequence[ArxivId], progress: Callable[[int], None] | None = None
    ) -> FetchResult:
        """Look up every ID; ``progress`` gets the number of IDs settled by each batch.

        Results are keyed by the ID as requested: an unversioned ID maps to the latest
        version arXiv returned, a versioned one only to that exact version. Once arXiv has
        failed for ``retry_budget`` seconds in a row, the IDs not yet settled fail without
        further requests, so a dead or stalled server costs at most about the budget plus
        one timeout.
        """
        self._session.start_run()
        unique = list(dict.fromkeys(ids))
        result = FetchResult()
        for start in range(0, len(unique), BATCH_SIZE):
            batch = unique[start : start + BATCH_SIZE]
            result.merge(self._resolve(batch, retry_missing=True))
            if progress is not None:
                progress(len(batch))
        return result

    def _resolve(self, batch: list[ArxivId], *, retry_missing: bool) -> FetchResult:
        params = {"id_list": ",".join(map(str, batch)), "max_results": str(len(batch))}
        try:
            feed = self._session.request(
                self.api_url, _interpret, params=params, accepted=frozenset({200, 400})
            )
        except Rejected as exc:
            return self._resolve_singly(batch, exc.reason, retry_missing=retry_missing)
        except RequestFailed as exc:
            return FetchResult(failed=dict.fromkeys(batch, exc.reason))
        result = _match(batch, feed)
        if result.missing and retry_missing:
            # Empty and short feeds are a known transient fault: ask once more.
            logger.info("arXiv returned nothing for %d ID(s); asking again", len(result.missing))
            retry, result.missing = result.missing, []
            result.merge(self._resolve(retry, retry_missing=False))
        return result

    def _resolve_singly(
        self, batch: list[ArxivId], reason: str, *, retry_missing: bool
    ) -> FetchResult:
        if len(batch) == 1:
            return FetchResult(failed={batch[0]: f"arXiv rejected it: {reason}"})
        logger.warning("arXiv rejected a batch (%s); requesting its IDs one by one", reason)
        result = FetchResult()
        for arxiv_id in batch:
            result.merge(self._resolve([arxiv_id], retry_missing=retry_missing))
        return result


def _interpret(answer: Answer) -> ParsedFeed:
    try:
        feed = parse_feed(answer.body)
    except FeedError as exc:
        if answer.status == 400:
            raise Rejected("HTTP 400") from exc
        raise Transient(f"unusable response: {exc}") from exc
    if feed.errors:
        raise Rejected("; ".join(feed.errors))
    if answer.status == 400:
        raise Rejected("HTTP 400")
    return feed


def _match(batch: list[ArxivId], feed: ParsedFeed) -> FetchResult:
    """Pair papers with requested IDs by identifier; order and extra entries mean nothing."""
    latest: dict[str, PaperMetadata] = {}
    exact: dict[ArxivId, PaperMetadata] = {}
    for paper in feed.papers:
        exact[paper.arxiv_id] = paper
        current = latest.get(paper.arxiv_id.base)
        if current is None or (paper.arxiv_id.version or 0) > (current.arxiv_id.version or 0):
            latest[paper.arxiv_id.base] = paper
    result = FetchResult()
    for requested in batch:
        match = _lookup(requested, exact, latest)
        if match is None:
            result.missing.append(requested)
        elif problem := _incomplete(match):
            result.failed[requested] = problem
        else:
            result.found[requested] = match
    return result


def _incomplete(paper: PaperMetadata) -> str | None:
    """Why an entry cannot become a citation; an entry without these is a broken answer."""
    if not paper.title.strip():
        return "arXiv's entry for it has no title (add the entry by hand if that is right)"
    if not paper.authors:
        return "arXiv's entry for it has no authors (add the entry by hand if that is right)"
    return None


def _lookup(
    requested: ArxivId,
    exact: Mapping[ArxivId, PaperMetadata],
    latest: Mapping[str, PaperMetadata],
) -> PaperMetadata | None:
    if requested.version is None:
        return latest.get(requested.base)
    return exact.get(requested)
