"""The arXiv client against real HTTP on 127.0.0.1: a scripted fake API and raw sockets.

Nothing here touches an outside host. Intervals are shortened to keep the run fast,
except where the spacing between request starts is the thing under test; those tests,
and the ones that wait out a Retry-After or a timeout, are marked slow.
"""

from __future__ import annotations

import email.utils
import gzip
import itertools
import logging
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paperrefs
import pytest
from paperrefs.arxiv import DEFAULT_USER_AGENT, ArxivClient, FetchResult
from paperrefs.environment import THROTTLE_FILE
from paperrefs.ids import ArxivId
from paperrefs.throttle import Throttle, default_throttle_path
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.helpers.fake_arxiv import (
    PATH,
    Action,
    FakeArxiv,
    RawServer,
    Seen,
    answer,
    atom_response,
    drip,
    feed_xml,
    gzip_bomb,
    ids,
    reset,
    stall,
)
from tests.helpers.paths import ATOM_FIXTURES

FAST = 0.05  # min_interval for tests that are not about spacing


@pytest.fixture
def make_client(httpserver: HTTPServer, tmp_path: Path) -> Iterator[Callable[..., ArxivClient]]:
    clients: list[ArxivClient] = []

    def make(url: str | None = None, **options: Any) -> ArxivClient:
        settings: dict[str, Any] = {
            "min_interval": FAST,
            "throttle_path": tmp_path / "throttle",
            **options,
        }
        client = ArxivClient(url or httpserver.url_for(PATH), **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def all_found(result: FetchResult, requested: list[ArxivId]) -> bool:
    return list(result.found) == requested and not result.missing and not result.failed


# -- request format ---------------------------------------------------------------------


def test_one_request_with_canonical_ids_and_max_results(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = ids("arXiv:2401.00001", "HEP-TH/9901001V2", "math.GT/0309136", "2401.00001")
    arxiv.add("2401.00001", "hep-th/9901001", "math/0309136", version=2)
    result = make_client().fetch(requested)
    (seen,) = arxiv.seen
    assert seen.id_list == ["2401.00001", "hep-th/9901001v2", "math/0309136"]
    assert seen.max_results == "3"
    assert all_found(result, requested[:3])


def test_user_agent_names_paperrefs_and_its_version(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2401.00001")
    make_client().fetch(ids("2401.00001"))
    make_client(user_agent="mytool/2.0 (me@example.org)").fetch(ids("2401.00001"))
    first, second = (seen.headers["User-Agent"] for seen in arxiv.seen)
    assert first == f"paperrefs/{paperrefs.__version__} (+https://github.com/paperrefs/paperrefs)"
    assert first == DEFAULT_USER_AGENT
    assert second == "mytool/2.0 (me@example.org)"


def test_150_ids_take_two_requests_with_max_results_and_progress(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = [ArxivId(f"2402.{n:05d}") for n in range(1, 151)]
    arxiv.add(*map(str, requested))
    progress: list[int] = []
    result = make_client().fetch(requested + requested[:20], progress=progress.append)
    assert [len(seen.id_list) for seen in arxiv.seen] == [100, 50]
    assert [seen.max_results for seen in arxiv.seen] == ["100", "50"]
    assert progress == [100, 50]
    assert all_found(result, requested)


def test_no_ids_no_request(arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]) -> None:
    assert make_client().fetch([]) == FetchResult()
    assert arxiv.seen == []


# -- both dialects, matching -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "requested", "returned"),
    [
        (
            "dialect_a_three_papers.xml",
            ["2312.04567", "hep-th/9905123v2", "1411.0321"],
            ["2312.04567v2", "hep-th/9905123v2", "1411.0321v3"],
        ),
        (
            "dialect_b_three_papers.xml",
            ["2502.11873", "2507.00412v1", "2511.20987"],
            ["2502.11873v3", "2507.00412v1", "2511.20987v1"],
        ),
        ("dialect_b_transitional.xml", ["2511.06602"], ["2511.06602v2"]),
    ],
)
def test_recorded_style_feeds_resolve_keyed_by_the_requested_id(
    arxiv: FakeArxiv,
    make_client: Callable[..., ArxivClient],
    fixture: str,
    requested: list[str],
    returned: list[str],
) -> None:
    arxiv.script.append(atom_response((ATOM_FIXTURES / fixture).read_bytes()))
    result = make_client().fetch(ids(*requested))
    assert {str(key): str(paper.arxiv_id) for key, paper in result.found.items()} == dict(
        zip(requested, returned, strict=True)
    )
    assert (result.missing, result.failed, len(arxiv.seen)) == ([], {}, 1)


def test_entries_are_matched_by_id_and_version_never_by_position(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    served = ids("2401.00002v2", "2401.09999v1", "2401.00001v3", "2401.00001v1")
    arxiv.script += [atom_response(feed_xml(served))] * 2
    requested = ids("2401.00001", "2401.00001v1", "2401.00002v1")
    result = make_client().fetch(requested)
    assert {str(k): str(v.arxiv_id) for k, v in result.found.items()} == {
        "2401.00001": "2401.00001v3",
        "2401.00001v1": "2401.00001v1",
    }
    assert result.missing == ids("2401.00002v1")
    assert result.failed == {}


def test_ghost_entries_count_as_missing_after_one_retry(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    ghosts = atom_response((ATOM_FIXTURES / "dialect_a_ghosts.xml").read_bytes())
    arxiv.script += [ghosts, ghosts]
    requested = ids("1305.2291", "1305.9999", "1306.0001", "1306.0002")
    result = make_client().fetch(requested)
    assert list(result.found) == requested[:1]
    assert result.missing == requested[1:]
    assert [seen.id_list for seen in arxiv.seen] == [
        ["1305.2291", "1305.9999", "1306.0001", "1306.0002"],
        ["1305.9999", "1306.0001", "1306.0002"],
    ]


def test_missing_ids_are_asked_for_once_more_then_reported(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2403.00011", "2403.00013")
    requested = ids("2403.00011", "2403.00012", "2403.00013", "2403.00014")
    result = make_client().fetch(requested)
    assert sorted(result.found) == ids("2403.00011", "2403.00013")
    assert result.missing == ids("2403.00012", "2403.00014")
    assert [seen.id_list for seen in arxiv.seen] == [
        ["2403.00011", "2403.00012", "2403.00013", "2403.00014"],
        ["2403.00012", "2403.00014"],
    ]


def test_a_short_feed_is_completed_by_asking_for_the_rest(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = ids("2404.00001", "2404.00002", "2404.00003")
    arxiv.add(*map(str, requested))
    arxiv.script.append(atom_response(feed_xml(ids("2404.00003v1"))))
    result = make_client().fetch(requested)
    assert sorted(result.found) == requested
    assert (result.missing, result.failed) == ([], {})
    assert [seen.id_list for seen in arxiv.seen][1] == ["2404.00001", "2404.00002"]


def test_a_transient_empty_feed_is_retried(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = ids("2404.00001", "2404.00002")
    arxiv.add(*map(str, requested))
    arxiv.script.append(atom_response((ATOM_FIXTURES / "dialect_b_empty.xml").read_bytes()))
    result = make_client().fetch(requested)
    assert sorted(result.found) == requested
    assert len(arxiv.seen) == 2


# -- rejected IDs ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 200])
def test_one_rejected_id_does_not_sink_the_batch(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient], status: int
) -> None:
    requested = [ArxivId(f"2405.{n:05d}") for n in range(1, 11)]
    arxiv.add(*map(str, requested))
    arxiv.rejects.add("2405.00004")
    arxiv.reject_status = status
    result = make_client().fetch(requested)
    assert sorted(result.found) == [i for i in requested if str(i) != "2405.00004"]
    assert result.missing == []
    assert result.failed == {
        ArxivId("2405.00004"): "arXiv rejected it: incorrect id format for 2405.00004"
    }
    assert len(arxiv.seen) == 1 + len(requested)
    assert all(len(seen.id_list) == 1 for seen in arxiv.seen[1:])


@pytest.mark.parametrize("fixture", ["dialect_a_error.xml", "dialect_b_error.xml"])
def test_a_rejected_single_id_fails_with_arxivs_message(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient], fixture: str
) -> None:
    arxiv.script.append(atom_response((ATOM_FIXTURES / fixture).read_bytes(), 400))
    result = make_client().fetch(ids("2405.00001"))
    assert result.failed == {
        ArxivId("2405.00001"): "arXiv rejected it: incorrect id format for abc"
    }
    assert len(arxiv.seen) == 1


def test_http_400_without_a_feed_still_falls_back_to_single_ids(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = ids("2405.00001", "2405.00002")
    arxiv.add(*map(str, requested))
    arxiv.script.append(Response("Bad Request", 400, content_type="text/plain"))
    result = make_client().fetch(requested)
    assert sorted(result.found) == requested
    assert [seen.id_list for seen in arxiv.seen] == [
        ["2405.00001", "2405.00002"],
        ["2405.00001"],
        ["2405.00002"],
    ]


# -- retries -----------------------------------------------------------------------------


@pytest.mark.slow
def test_429_with_retry_after_seconds_waits_that_long(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2406.00001")
    arxiv.script.append(Response("slow down", 429, headers={"Retry-After": "1"}))
    result = make_client().fetch(ids("2406.00001"))
    assert list(result.found) == ids("2406.00001")
    first, second = (seen.at for seen in arxiv.seen)
    assert second - first >= 0.95


@pytest.mark.slow
def test_429_with_retry_after_http_date(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2406.00001")
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    arxiv.script.append(Response("slow down", 429, headers={"Retry-After": when}))
    result = make_client().fetch(ids("2406.00001"))
    assert list(result.found) == ids("2406.00001")
    first, second = (seen.at for seen in arxiv.seen)
    assert second - first >= 0.9  # the date has one-second resolution


def test_a_huge_retry_after_is_capped(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2406.00001")
    arxiv.script.append(Response("", 503, headers={"Retry-After": "30"}))
    client = make_client()
    client.max_retry_wait = 0.2
    started = time.monotonic()
    result = client.fetch(ids("2406.00001"))
    assert list(result.found) == ids("2406.00001")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("retry_after", [None, "0", "-5", "soon", "nan"])
def test_429_without_usable_retry_after_backs_off_exponentially(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient], retry_after: str | None
) -> None:
    arxiv.add("2406.00001")
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    arxiv.script += [Response("", 429, headers=headers)] * 2
    result = make_client(min_interval=0.1).fetch(ids("2406.00001"))
    assert list(result.found) == ids("2406.00001")
    starts = [seen.at for seen in arxiv.seen]
    assert len(starts) == 3
    assert starts[1] - starts[0] >= 0.1 - 0.01
    assert starts[2] - starts[1] >= 0.2 - 0.01


def test_503_then_success(arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]) -> None:
    arxiv.add("2406.00002")
    arxiv.script.append(Response("Service Unavailable", 503))
    result = make_client().fetch(ids("2406.00002"))
    assert list(result.found) == ids("2406.00002")
    assert len(arxiv.seen) == 2


@pytest.mark.parametrize("status", [500, 502, 429])
def test_persistent_server_errors_fail_after_max_attempts(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient], status: int
) -> None:
    arxiv.script += [Response("oops", status)] * 5
    requested = ids("2406.00003", "2406.00004")
    result = make_client(max_attempts=3).fetch(requested)
    assert list(result.failed) == requested
    assert all(f"HTTP {status}" in reason for reason in result.failed.values())
    assert (result.found, result.missing, len(arxiv.seen)) == ({}, [], 3)


def test_other_client_errors_are_not_retried(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.script.append(Response("Forbidden", 403))
    result = make_client().fetch(ids("2406.00005"))
    assert result.failed == {ArxivId("2406.00005"): "unexpected HTTP 403"}
    assert len(arxiv.seen) == 1


def test_retries_are_logged_never_printed(
    arxiv: FakeArxiv,
    make_client: Callable[..., ArxivClient],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arxiv.add("2406.00002")
    arxiv.script.append(Response("Service Unavailable", 503))
    with caplog.at_level(logging.INFO, logger="paperrefs.arxiv"):
        make_client().fetch(ids("2406.00002"))
    assert any("HTTP 503" in r.getMessage() for r in caplog.records if r.name == "paperrefs.arxiv")
    assert capsys.readouterr() == ("", "")


# -- broken bodies -----------------------------------------------------------------------


def test_truncated_xml_is_retried(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2407.00001")
    whole = feed_xml(ids("2407.00001v1"))
    arxiv.script.append(atom_response(whole[: len(whole) // 2]))
    result = make_client().fetch(ids("2407.00001"))
    assert list(result.found) == ids("2407.00001")
    assert len(arxiv.seen) == 2


@pytest.mark.parametrize(
    "body",
    [
        feed_xml(ids("2407.00001v1"))[:-20],
        (ATOM_FIXTURES / "captive_portal.html").read_bytes(),
        (ATOM_FIXTURES / "billion_laughs.xml").read_bytes(),
    ],
    ids=["truncated", "html", "billion-laughs"],
)
def test_bodies_that_are_not_feeds_fail_the_batch(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient], body: bytes
) -> None:
    arxiv.script += [Response(body, 200, content_type="text/html")] * 3
    started = time.monotonic()
    result = make_client(max_attempts=3).fetch(ids("2407.00001"))
    (reason,) = result.failed.values()
    assert reason.startswith("unusable response")
    assert "gave up after 3 attempts" in reason
    assert (result.found, len(arxiv.seen)) == ({}, 3)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress)],
)
def test_compressed_feeds_are_decoded(
    arxiv: FakeArxiv,
    make_client: Callable[..., ArxivClient],
    encoding: str,
    compress: Callable[[bytes], bytes],
) -> None:
    body = compress(feed_xml(ids("2408.00001v1")))
    arxiv.script.append(atom_response(body, headers={"Content-Encoding": encoding}))
    result = make_client().fetch(ids("2408.00001"))
    assert list(result.found) == ids("2408.00001")


def test_a_gzip_bomb_is_cut_off_and_not_retried(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 100_000
    arxiv.script.append(atom_response(bomb, headers={"Content-Encoding": "gzip"}))
    result = make_client(max_bytes=1_000_000).fetch(ids("2408.00001"))
    assert result.failed == {ArxivId("2408.00001"): "response larger than 1000000 bytes"}
    assert len(arxiv.seen) == 1


def test_an_oversized_plain_body_is_refused(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    padded = feed_xml(ids("2408.00002v1")).replace(b"</feed>", b" " * 200_000 + b"</feed>")
    arxiv.script += [atom_response(padded), atom_response(padded)]
    refused = make_client(max_bytes=200_000).fetch(ids("2408.00002"))
    accepted = make_client(max_bytes=len(padded)).fetch(ids("2408.00002"))
    assert refused.failed == {ArxivId("2408.00002"): "response larger than 200000 bytes"}
    assert list(accepted.found) == ids("2408.00002")


def test_an_unknown_content_encoding_fails(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.script.append(atom_response(b"\x00\x01", headers={"Content-Encoding": "br"}))
    result = make_client().fetch(ids("2408.00003"))
    assert result.failed == {ArxivId("2408.00003"): "unsupported Content-Encoding 'br'"}


# -- the network misbehaving: raw sockets ------------------------------------------------


def test_a_connection_reset_is_retried(
    raw_server: Callable[[list[Action]], RawServer], make_client: Callable[..., ArxivClient]
) -> None:
    raw = raw_server([reset, answer(feed_xml(ids("2409.00001v4")))])
    result = make_client(raw.url).fetch(ids("2409.00001"))
    assert list(result.found) == ids("2409.00001")
    assert raw.connections == 2


def test_persistent_resets_fail_with_a_network_error(
    raw_server: Callable[[list[Action]], RawServer], make_client: Callable[..., ArxivClient]
) -> None:
    raw = raw_server([reset])
    result = make_client(raw.url, max_attempts=2).fetch(ids("2409.00001"))
    (reason,) = result.failed.values()
    assert reason.startswith("network error")
    assert raw.connections == 2


def test_a_gzip_bomb_never_expands_in_memory(
    raw_server: Callable[[list[Action]], RawServer], make_client: Callable[..., ArxivClient]
) -> None:
    # A raw server because tracemalloc sees every thread, and werkzeug's own
    # allocations would blur the measurement of the client.
    raw = raw_server([answer(gzip_bomb(), "Content-Encoding: gzip\r\n")])
    client = make_client(raw.url, max_bytes=1_000_000)
    tracemalloc.start()
    try:
        result = client.fetch(ids("2408.00001"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.failed == {ArxivId("2408.00001"): "response larger than 1000000 bytes"}
    assert peak < 8_000_000


@pytest.mark.slow
def test_a_stalled_server_times_out(
    raw_server: Callable[[list[Action]], RawServer], make_client: Callable[..., ArxivClient]
) -> None:
    raw = raw_server([stall])
    started = time.monotonic()
    result = make_client(raw.url, timeout=0.5, max_attempts=2).fetch(ids("2409.00002"))
    elapsed = time.monotonic() - started
    assert result.failed == {
        ArxivId("2409.00002"): "no answer within 0.5 s (gave up after 2 attempts)"
    }
    assert 1.0 <= elapsed < 4
    assert raw.connections == 2


def test_a_server_dripping_bytes_cannot_stretch_the_timeout(
    raw_server: Callable[[list[Action]], RawServer], make_client: Callable[..., ArxivClient]
) -> None:
    raw = raw_server([drip])
    started = time.monotonic()
    result = make_client(raw.url, timeout=0.5, max_attempts=1).fetch(ids("2409.00003"))
    assert result.failed == {
        ArxivId("2409.00003"): "response not complete within 0.5 s (gave up after 1 attempt)"
    }
    assert time.monotonic() - started < 3


# -- spacing between request starts -------------------------------------------------------

SPACING = 0.3
# Start times are taken on the server, after connection set-up, so a later request can
# look a few milliseconds early; anything beyond this slack is a real violation.
SLACK = 0.03


def gaps(seen: list[Seen]) -> list[float]:
    starts = sorted(s.at for s in seen)
    return [later - earlier for earlier, later in itertools.pairwise(starts)]


@pytest.mark.slow
def test_request_starts_are_spaced_within_one_process(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    requested = [ArxivId(f"2410.{n:05d}") for n in range(1, 5)]
    arxiv.add(*map(str, requested))
    client = make_client(min_interval=SPACING)
    for arxiv_id in requested:
        assert list(client.fetch([arxiv_id]).found) == [arxiv_id]
    assert len(arxiv.seen) == 4
    assert min(gaps(arxiv.seen)) >= SPACING - SLACK


WORKER = """
import sys, time
from pathlib import Path
from paperrefs.arxiv import ArxivClient
from paperrefs.ids import parse_arxiv_id

url, throttle, interval, start_at, *texts = sys.argv[1:]
with ArxivClient(url, min_interval=float(interval), throttle_path=Path(throttle)) as client:
    time.sleep(max(0.0, float(start_at) - time.time()))
    for text in texts:
        found = client.fetch([parse_arxiv_id(text)]).found
        assert [str(key) for key in found] == [text], found
"""


@pytest.mark.slow
def test_request_starts_are_spaced_across_processes(arxiv: FakeArxiv, tmp_path: Path) -> None:
    batches = [[f"2411.{n:05d}" for n in range(first, first + 3)] for first in (1, 11)]
    arxiv.add(*batches[0], *batches[1])
    start_at = str(time.time() + 1.5)  # both workers begin together, after their imports
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                arxiv.url,
                str(tmp_path / "shared-throttle"),
                str(SPACING),
                start_at,
                *batch,
            ]
        )
        for batch in batches
    ]
    assert [worker.wait(timeout=30) for worker in workers] == [0, 0]
    assert len(arxiv.seen) == 6
    assert min(gaps(arxiv.seen)) >= SPACING - SLACK


# -- the throttle itself -----------------------------------------------------------------


def test_defer_until_holds_back_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "t"
    Throttle(0.05, path).penalize(0.4)
    started = time.monotonic()
    Throttle(0.05, path).wait()
    assert time.monotonic() - started >= 0.38


def test_defer_until_never_brings_the_next_start_forward(tmp_path: Path) -> None:
    throttle = Throttle(0.05, tmp_path / "t")
    throttle.penalize(0.4)
    throttle.defer_until(time.time() - 100)
    started = time.monotonic()
    throttle.wait()
    assert time.monotonic() - started >= 0.38


@pytest.mark.parametrize("content", ["garbage", "nan", "inf", str(time.time() + 86400)])
def test_a_damaged_or_absurd_throttle_file_does_not_block(tmp_path: Path, content: str) -> None:
    path = tmp_path / "t"
    path.write_text(content)
    started = time.monotonic()
    Throttle(3.0, path).wait()
    assert time.monotonic() - started < 0.5
    assert float(path.read_text()) == pytest.approx(time.time() + 3.0, abs=0.5)


def test_throttle_location_env_var_then_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THROTTLE_FILE, str(tmp_path / "explicit"))
    assert default_throttle_path() == tmp_path / "explicit"
    monkeypatch.delenv(THROTTLE_FILE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_throttle_path() == tmp_path / "xdg" / "paperrefs" / "arxiv-throttle"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_throttle_path() == tmp_path / "home" / ".cache" / "paperrefs" / "arxiv-throttle"
    throttle = Throttle(0.01)
    throttle.wait()
    assert throttle.path.exists()
    assert throttle.path.with_name("arxiv-throttle.lock").exists()


def test_the_client_closes_its_connection_pool(
    arxiv: FakeArxiv, make_client: Callable[..., ArxivClient]
) -> None:
    arxiv.add("2412.00001")
    with make_client() as client:
        client.fetch(ids("2412.00001"))
    with pytest.raises(RuntimeError):
        client.fetch(ids("2412.00001"))
