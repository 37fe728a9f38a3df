"""HTTP for public metadata services, the way they ask to be used, and without trusting them.

Shared by the arXiv and the DOI clients: one connection, a rate limit shared by every
process on the machine, a timeout per request and per response, a cap on the size of a
body (which also stops decompression bombs), and retries with exponential backoff on
transient failures, honouring ``Retry-After``, within a budget of time spent failing in a
row so that a dead server costs about the budget plus one timeout, never more.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self, TypeVar

import httpx

from paperrefs.throttle import Throttle

RETRYABLE_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

T = TypeVar("T")


class RequestFailed(Exception):
    """Give up on this request; ``reason`` is for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transient(RequestFailed):
    """Worth another try after a pause; the server may have said how long."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Rejected(RequestFailed):
    """The server answered and refused the request itself: asking again will not help."""


@dataclass(frozen=True)
class Answer:
    """A complete response with a status the caller accepted."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class _Decoder(Protocol):
    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


class PoliteSession:
    """GET requests to one service; use as a context manager or call close()."""

    def __init__(
        self,
        *,
        service: str,
        user_agent: str,
        min_interval: float,
        timeout: float,
        retry_budget: float,
        throttle_path: Path | None,
        logger: logging.Logger,
        accept: str | None = None,
        max_attempts: int = 4,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_retry_wait: float = 120.0,
    ) -> None:
        self.service = service  # how messages name the other side: "arXiv", "doi.org"
        self.min_interval = min_interval
        self.timeout = timeout
        self.retry_budget = retry_budget
        self.max_attempts = max(1, max_attempts)
        self.max_bytes = max_bytes
        self.max_retry_wait = max_retry_wait  # upper bound for one pause, Retry-After included
        self.logger = logger
        self._failing_since: float | None = None  # start of the current run of failures
        self._gave_up: str | None = None  # why the rest of this run is not requested
        self._throttle = Throttle(min_interval, throttle_path)
        headers = {
            "User-Agent": user_agent,
            # Only encodings _read_body can decompress under the size cap.
            "Accept-Encoding": "gzip, deflate",
        }
        if accept:
            headers["Accept"] = accept
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=1),
            follow_redirects=True,
        )

    def __enter__(self) -> Self:
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

    def start_run(self) -> None:
        """Forget earlier failures: a new run of requests gets the whole retry budget."""
        self._failing_since, self._gave_up = None, None

    def request(
        self,
        url: str,
        interpret: Callable[[Answer], T],
        *,
        params: Mapping[str, str] | None = None,
        accepted: frozenset[int] = frozenset({200}),
    ) -> T:
        """GET ``url`` until ``interpret`` accepts an answer, retrying transient failures.

        ``accepted`` statuses reach ``interpret``; it may raise Transient (asked again
        after a pause), Rejected or RequestFailed. Any other status fails the request.
        """
        for attempt in range(1, self.max_attempts + 1):
            if self._failing_for() > self.retry_budget and self._gave_up is None:
                self._gave_up = f"{self.service} kept failing for over {self.retry_budget:g} s"
            if self._gave_up is not None:
                raise RequestFailed(f"not requested: {self._gave_up}")
            started = time.monotonic()
            try:
                result = interpret(self._attempt(url, params, accepted))
            except Rejected:
                self._failing_since = None  # the server answered, it just refused
                raise
            except Transient as exc:
                if self._failing_since is None:
                    self._failing_since = started
                if attempt == self.max_attempts:
                    tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                    raise RequestFailed(f"{exc.reason} (gave up after {tries})") from exc
                self._pause(attempt, exc)
            else:
                self._failing_since = None
                return result
        raise AssertionError("unreachable: the loop returns or raises")

    def _pause(self, attempt: int, exc: Transient) -> None:
        delay = self.min_interval * 2 ** (attempt - 1)
        if exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        delay = min(delay, self.max_retry_wait)
        if self._failing_for() + delay > self.retry_budget:
            self._gave_up = (
                f"{self.service} kept failing ({exc.reason}) and waiting {delay:g} s more "
                f"would exceed the {self.retry_budget:g} s retry budget"
            )
            raise RequestFailed(self._gave_up)
        self.logger.warning(
            "%s request failed (%s); retrying in %.1f s (attempt %d of %d)",
            self.service,
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

    def _attempt(
        self, url: str, params: Mapping[str, str] | None, accepted: frozenset[int]
    ) -> Answer:
        self._throttle.wait()
        try:
            with self._http.stream("GET", url, params=params) as response:
                status, headers = response.status_code, response.headers
                if status in RETRYABLE_STATUSES:
                    raise Transient(f"HTTP {status}", _retry_after(headers.get("Retry-After")))
                if status not in accepted:
                    raise RequestFailed(f"unexpected HTTP {status}")
                body = self._read_body(response)
        except httpx.TimeoutException as exc:
            raise Transient(f"no answer within {self.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise Transient(f"network error: {str(exc) or type(exc).__name__}") from exc
        return Answer(status, dict(headers), body)

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
                raise RequestFailed(f"response larger than {self.max_bytes} bytes")
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
    raise RequestFailed(f"unsupported Content-Encoding {content_encoding!r}")


def _raw_chunks(response: httpx.Response, deadline: float, timeout: float) -> Iterator[bytes]:
    # httpx's timeout is per read; a server dripping bytes must not stretch it forever.
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise Transient(f"response not complete within {timeout:g} s")
        yield raw


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
