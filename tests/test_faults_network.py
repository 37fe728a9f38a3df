"""``paperrefs add`` against a server on 127.0.0.1 that misbehaves on purpose.

Each fault ends with the documented exit code, one clear line per unresolved ID, bounded
time and memory, and a bibliography whose bytes and mtime are those of before unless
papers were really resolved. The command runs as a real process with arXiv's real
3-second spacing; only the retry budget and timeout are shortened, through the options
a user has.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from paperrefs.arxiv import ArxivClient
from paperrefs.bibfile import read_bib
from paperrefs.ids import ArxivId, parse_arxiv_id
from werkzeug import Response

from tests.helpers.bibs import HAND_WRITTEN, HAND_WRITTEN_KEYS, without_entries
from tests.helpers.cli import Run, run_paperrefs
from tests.helpers.fake_arxiv import (
    Action,
    FakeArxiv,
    RawServer,
    atom_response,
    feed_xml,
    gzip_bomb,
    reset,
    stall,
)
from tests.helpers.paths import ATOM_FIXTURES, snapshot

# The command line against a misbehaving server, with arXiv's 3 s spacing.
pytestmark = pytest.mark.slow

# A bound on our own retry logic plus interpreter start-up, not a speed target.
TIME_BOUND = 20.0
# Peak resident memory of the command: about 35 MB normally, 56 MB with a gzip bomb cut
# off at 10 MB; a bomb expanded in full would take it past 90 MB.
MEMORY_BOUND_KB = 80_000


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "bib" / "papers.bib"
    path.parent.mkdir()
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def assert_failed_cleanly(run: Run, bib: Path, before: tuple[bytes, int], reason: str) -> None:
    assert run.returncode == 1, run.stderr
    assert f"error: could not fetch 2305.18290: {reason}" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert run.elapsed < TIME_BOUND
    assert run.max_rss_kb < MEMORY_BOUND_KB
    assert snapshot(bib) == before


def whole_feed() -> bytes:
    return feed_xml([ArxivId("2305.18290", 1)])


GAVE_UP = "arXiv kept failing ({}) and waiting {} s more would exceed the 2 s retry budget"
HTTP_FAULTS = {
    "429": ([Response("slow down", 429)], GAVE_UP.format("HTTP 429", 3)),
    "429-retry-after": (
        [Response("slow down", 429, headers={"Retry-After": "100"})],
        GAVE_UP.format("HTTP 429", 100),
    ),
    "503": ([Response("Service Unavailable", 503)], GAVE_UP.format("HTTP 503", 3)),
    "500": ([Response("Internal Server Error", 500)], GAVE_UP.format("HTTP 500", 3)),
    "truncated-xml": (
        [atom_response(whole_feed()[:-30])],
        "arXiv kept failing (unusable response: not well-formed",
    ),
    "html-page": (
        [Response((ATOM_FIXTURES / "captive_portal.html").read_bytes(), content_type="text/html")],
        "arXiv kept failing (unusable response: refused XML with a DTD",
    ),
    "entity-bomb": (
        [atom_response((ATOM_FIXTURES / "billion_laughs.xml").read_bytes())],
        "arXiv kept failing (unusable response: refused XML with a DTD",
    ),
    "gzip-bomb": (
        [atom_response(gzip_bomb(), headers={"Content-Encoding": "gzip"})],
        "response larger than 10485760 bytes",
    ),
    "oversized": (
        [atom_response(whole_feed().replace(b"</feed>", b" " * 11_000_000 + b"</feed>"))],
        "response larger than 10485760 bytes",
    ),
}


@pytest.mark.parametrize("fault", list(HTTP_FAULTS))
def test_http_faults_exit_1_quickly_and_leave_the_bib_alone(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path, fault: str
) -> None:
    responses, reason = HTTP_FAULTS[fault]
    arxiv.add("2305.18290")
    arxiv.script += responses * 5  # the fault persists
    before = snapshot(bib)
    args = ["add", "--retry-budget", "2", "2305.18290"]
    run = run_paperrefs(args, tmp_path, arxiv.url, peak_memory=True)
    assert_failed_cleanly(run, bib, before, reason)
    assert len(arxiv.seen) == 1  # the next try would not fit the 2 s budget: none is made


@pytest.mark.parametrize(
    ("action", "options", "reason"),
    [
        (reset, [], "arXiv kept failing (network error"),
        (stall, ["--timeout", "1"], GAVE_UP.format("no answer within 1 s", 3)),
    ],
    ids=["connection-reset", "stall-past-timeout"],
)
def test_socket_faults_exit_1_quickly_and_leave_the_bib_alone(
    raw_server: Callable[[list[Action]], RawServer],
    bib: Path,
    tmp_path: Path,
    action: Action,
    options: list[str],
    reason: str,
) -> None:
    before = snapshot(bib)
    url = raw_server([action]).url
    run = run_paperrefs(
        ["add", "--retry-budget", "2", *options, "2305.18290"], tmp_path, url, peak_memory=True
    )
    assert_failed_cleanly(run, bib, before, reason)


def test_a_budget_spent_on_one_batch_is_not_spent_again_on_the_next(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    arxiv.script += [Response("Service Unavailable", 503)] * 10
    before = snapshot(bib)
    requested = [f"2401.{n:05d}" for n in range(1, 151)]  # two batches
    run = run_paperrefs(
        ["add", "--retry-budget", "2", *requested], tmp_path, arxiv.url, peak_memory=True
    )
    assert run.returncode == 1
    assert "could not fetch 2401.00001: arXiv kept failing (HTTP 503)" in run.stderr
    assert "could not fetch 2401.00150: not requested: arXiv kept failing" in run.stderr
    assert len(arxiv.seen) == 1
    assert run.elapsed < TIME_BOUND
    assert snapshot(bib) == before


def test_429_then_success_waits_retry_after_and_writes(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    arxiv.add("2305.18290")
    arxiv.script.append(Response("slow down", 429, headers={"Retry-After": "4"}))
    run = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url, peak_memory=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "tester2023paper\n"
    first, second = (seen.at for seen in arxiv.seen)
    assert second - first >= 4 - 0.05
    assert "arXiv request failed (HTTP 429); retrying in 4.0 s" in run.stderr
    assert without_entries(bib.read_text(encoding="utf-8"), ["tester2023paper"]) == HAND_WRITTEN


def test_503_then_success_backs_off_at_least_3_s(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    arxiv.add("2305.18290")
    arxiv.script.append(Response("Service Unavailable", 503))
    run = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url, peak_memory=True)
    assert run.returncode == 0, run.stderr
    first, second = (seen.at for seen in arxiv.seen)
    assert second - first >= 3 - 0.05


def written_keys(bib: Path) -> dict[str, str]:
    """eprint -> key of every entry paperrefs wrote (all but the hand-written ones)."""
    return {
        entry.fields["eprint"]: entry.key
        for entry in read_bib(bib).entries
        if entry.key not in HAND_WRITTEN_KEYS
    }


def test_a_short_feed_writes_what_came_and_reports_the_rest(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    arxiv.add("2401.00001", "2401.00003")
    run = run_paperrefs(
        ["add", "2401.00001", "2401.00002", "2401.00003"], tmp_path, arxiv.url, peak_memory=True
    )
    assert run.returncode == 1
    assert "error: arXiv has no paper 2401.00002" in run.stderr
    assert [seen.id_list for seen in arxiv.seen] == [
        ["2401.00001", "2401.00002", "2401.00003"],
        ["2401.00002"],  # asked once more: short feeds are often transient
    ]
    keys = written_keys(bib)
    assert sorted(keys) == ["2401.00001", "2401.00003"]
    assert without_entries(bib.read_text(encoding="utf-8"), keys.values()) == HAND_WRITTEN


def test_an_error_feed_in_a_batch_of_good_ids_sinks_only_the_bad_one(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    arxiv.add("2401.00001")
    arxiv.rejects.add("2401.00002")  # well-formed for us, refused by this server
    run = run_paperrefs(["add", "2401.00001", "2401.00002"], tmp_path, arxiv.url, peak_memory=True)
    assert run.returncode == 1
    assert (
        "could not fetch 2401.00002: arXiv rejected it: incorrect id format for 2401.00002"
        in run.stderr
    )
    assert [seen.id_list for seen in arxiv.seen] == [
        ["2401.00001", "2401.00002"],
        ["2401.00001"],
        ["2401.00002"],
    ]
    assert list(written_keys(bib)) == ["2401.00001"]
    assert "Error" not in bib.read_text(encoding="utf-8")


def test_entries_out_of_order_are_matched_by_id(
    arxiv: FakeArxiv, bib: Path, tmp_path: Path
) -> None:
    requested = ["2401.00003", "2401.00001", "2401.00002"]
    arxiv.add(*requested)
    run = run_paperrefs(["add", *requested], tmp_path, arxiv.url, peak_memory=True)
    assert run.returncode == 0, run.stderr
    keys = written_keys(bib)
    # Stdout follows the order asked; each key belongs to its own paper.
    assert run.stdout.split() == [keys[arxiv_id] for arxiv_id in requested]
    for entry in read_bib(bib).entries:
        if entry.key in HAND_WRITTEN_KEYS:
            continue
        assert entry.fields["title"] == f"Paper {{{entry.fields['eprint']}v1}}"


def test_101_ids_take_two_requests_3_s_apart(arxiv: FakeArxiv, bib: Path, tmp_path: Path) -> None:
    requested = [f"2402.{n:05d}" for n in range(1, 102)]
    arxiv.add(*requested)
    run = run_paperrefs(["add", *requested], tmp_path, arxiv.url, peak_memory=True)
    assert run.returncode == 0, run.stderr
    assert [len(seen.id_list) for seen in arxiv.seen] == [100, 1]
    first, second = (seen.at for seen in arxiv.seen)
    assert second - first >= 3 - 0.05
    assert len(written_keys(bib)) == 101
    assert len(run.stdout.split()) == 101


def test_700_ids_are_split_into_short_requests(arxiv: FakeArxiv, tmp_path: Path) -> None:
    # In-process with a short interval: the split, not the spacing, is under test here.
    requested = [parse_arxiv_id(f"2403.{n:05d}") for n in range(1, 701)]
    arxiv.add(*map(str, requested))
    url = arxiv.url
    with ArxivClient(url, min_interval=0.01, throttle_path=tmp_path / "t") as client:
        result = client.fetch(requested)
    assert sorted(result.found) == requested
    assert [len(seen.id_list) for seen in arxiv.seen] == [100] * 7
    longest = max(len(asked) for asked in arxiv.asked)
    assert longest < 1_200  # far below the 8 KB request lines servers accept
