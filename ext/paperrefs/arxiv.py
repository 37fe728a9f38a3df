"""Fetch paper metadata from the arXiv API, politely and without trusting the answer.

Sphinx-free. The rules come from how the API really behaves: ``max_results`` defaults to
10 even for an ID list, results come back in any order, one malformed ID makes arXiv
reject the whole batch, transient failures can look like an empty or short feed, and
429/503 answers are common even for clients under the documented rate.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from types import TracebackType
from typing import Protocol

import httpx

from paperrefs import __version__
from paperrefs.atom import FeedError, ParsedFeed, parse_feed
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata
from paperrefs.throttle import MIN_INTERVAL, Throttle

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_USER_AGENT = f"paperrefs/{__version__} (+https://github.com/paperrefs/paperrefs)"
BATCH_SIZE = 100  # longer GET URLs run into HTTP 414 long before arXiv's result limits
# Long enough to sit out a typical 429 cooldown, short enough for a 15-minute CI build.
DEFAULT_RETRY_BUDGET = 60.0
DEFAULT_TIMEOUT = 30.0  # for one request; arXiv can take a while to assemble 100 entries
RETRYABLE_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))

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


class _BatchFailed(Exception):
    """Give up on this batch; ``reason`` is for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Transient(_BatchFailed):
    """Worth another try after a pause; arXiv may have said how long."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _Rejected(_BatchFailed):
    """arXiv refused the request itself (HTTP 400 or an error feed)."""


class _Decoder(Protocol):
    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


class ArxivClient:
    """Resolves arXiv IDs through the API; use as a context manager or call close()."""

    #: Upper bound for any single pause between attempts, including a Retry-After.
    max_retry_wait: float = 120.0

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        *,
        min_interval: float = MIN_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = 4,
        max_bytes: int = 10 * 1024 * 1024,
        throttle_path: Path | None = None,
        user_agent: str | None = None,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
    ) -> None:
        self.api_url = api_url
        self.min_interval = min_interval
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.max_bytes = max_bytes
        self.retry_budget = retry_budget
        self._failing_since: float | None = None  # start of the current run of failures
        self._gave_up: str | None = None  # why the rest of this fetch is not requested
        self._throttle = Throttle(min_interval, throttle_path)
        self._http = httpx.Client(
            headers={
                "User-Agent": user_agent or DEFAULT_USER_AGENT,
                # Only encodings _read_body can decompress under the size cap.
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=1),
            follow_redirects=True,
        )

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
        self._http.close()

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
        self._failing_since, self._gave_up = None, None
        unique = list(dict.fromkeys(ids))
        result = FetchResult()
        for start in range(0, len(unique), BATCH_SIZE):
            batch = unique[start : start + BATCH_SIZE]
            result.merge(self._resolve(batch, retry_missing=True))
            if progress is not None:
                progress(len(batch))
        return result

    def _resolve(self, batch: list[ArxivId], *, retry_missing: bool) -> FetchResult:
        try:
            feed = self._request(batch)
        except _Rejected as exc:
            return self._resolve_singly(batch, exc.reason, retry_missing=retry_missing)
        except _BatchFailed as exc:
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

    def _request(self, batch: list[ArxivId]) -> ParsedFeed:
        """One logical request, retried with backoff while the failure looks transient."""
        for attempt in range(1, self.max_attempts + 1):
            if self._failing_for() > self.retry_budget and self._gave_up is None:
                self._gave_up = f"arXiv kept failing for over {self.retry_budget:g} s"
            if self._gave_up is not None:
                raise _BatchFailed(f"not requested: {self._gave_up}")
            started = time.monotonic()
            try:
                feed = self._attempt(batch)
            except _Rejected:
                self._failing_since = None  # arXiv answered, it just did not like the IDs
                raise
            except _Transient as exc:
                if self._failing_since is None:
                    self._failing_since = started
                if attempt == self.max_attempts:
                    tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                    raise _BatchFailed(f"{exc.reason} (gave up after {tries})") from exc
                self._pause(attempt, exc)
            else:
                self._failing_since = None
                return feed
        raise AssertionError("unreachable: the loop returns or raises")

    def _pause(self, attempt: int, exc: _Transient) -> None:
        delay = self.min_interval * 2 ** (attempt - 1)
        if exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        delay = min(delay, self.max_retry_wait)
        if self._failing_for() + delay > self.retry_budget:
            self._gave_up = (
                f"arXiv kept failing ({exc.reason}) and waiting {delay:g} s more would "
                f"exceed the {self.retry_budget:g} s retry budget"
            )
            raise _BatchFailed(self._gave_up)
        logger.warning(
            "arXiv request failed (%s); retrying in %.1f s (attempt %d of %d)",
            exc.reason,
            delay,
            attempt + 1,
            self.max_attempts,
        )
        # Through the shared throttle, so other processes back off as well.
        self._throttle.penalize(delay)

    def _failing_for(self) -> float:
        if self._failing_since is None:
            return 0.0
        return time.monotonic() - self._failing_since

    def _attempt(self, batch: list[ArxivId]) -> ParsedFeed:
        params = {"id_list": ",".join(map(str, batch)), "max_results": str(len(batch))}
        self._throttle.wait()
        try:
            with self._http.stream("GET", self.api_url, params=params) as response:
                status, headers = response.status_code, response.headers
                if status in RETRYABLE_STATUSES:
                    raise _Transient(f"HTTP {status}", _retry_after(headers.get("Retry-After")))
                if status not in (200, 400):
                    raise _BatchFailed(f"unexpected HTTP {status}")
                body = self._read_body(response)
        except httpx.TimeoutException as exc:
            raise _Transient(f"no answer within {self.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"network error: {str(exc) or type(exc).__name__}") from exc
        return _interpret(status, body)

    def _read_body(self, response: httpx.Response) -> bytes:
        """The decompressed body, refusing to hold more than max_bytes of it."""
        decoder = _decoder(response.headers.get("Content-Encoding", ""))
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        for raw in _raw_chunks(response, deadline, self.timeout):
            # max_length bounds memory per chunk: a gzip bomb never expands in full.
            chunk = decoder.decompress(raw, self.max_bytes - size + 1)
            size += len(chunk)
            if size > self.max_bytes:
                raise _BatchFailed(f"response larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


class _Identity:
    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes:
        return data


def _decoder(content_encoding: str) -> _Decoder:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise _BatchFailed(f"unsupported Content-Encoding {content_encoding!r}")


def _raw_chunks(response: httpx.Response, deadline: float, timeout: float) -> Iterator[bytes]:
    # httpx's timeout is per read; a server dripping bytes must not stretch it forever.
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise _Transient(f"response not complete within {timeout:g} s")
        yield raw


def _interpret(status: int, body: bytes) -> ParsedFeed:
    try:
        feed = parse_feed(body)
    except FeedError as exc:
        if status == 400:
            raise _Rejected("HTTP 400") from exc
        raise _Transient(f"unusable response: {exc}") from exc
    if feed.errors:
        raise _Rejected("; ".join(feed.errors))
    if status == 400:
        raise _Rejected("HTTP 400")
    return feed


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None if unusable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value)
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def _seconds_until(http_date: str) -> float:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return math.nan
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - time.time()


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
