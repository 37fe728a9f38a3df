"""fetching.add_ids and add_papers, in-process: look up what the bib holds, ask arXiv only
for the rest, write once, and report each requested ID exactly once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from paperrefs.arxiv import ArxivClient
from paperrefs.bibfile import BibDocument, BibError, parse_bib, read_bib
from paperrefs.entry import format_entry
from paperrefs.environment import Environment
from paperrefs.fetching import add_ids, add_papers, api_url, plan_papers
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.bibs import HAND_WRITTEN
from tests.helpers.fake_arxiv import FakeArxiv, Paper, ids
from tests.helpers.paths import snapshot


@pytest.fixture
def client(arxiv: FakeArxiv, tmp_path: Path) -> Iterator[ArxivClient]:
    with ArxivClient(arxiv.url, min_interval=0.01, throttle_path=tmp_path / "throttle") as made:
        yield made


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "papers.bib"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def arxiv_keys(path: Path) -> dict[str, str]:
    return {
        entry.arxiv_id.base: entry.key
        for entry in read_bib(path).entries
        if entry.arxiv_id is not None
    }


def test_ids_the_bib_holds_are_never_asked_for(
    arxiv: FakeArxiv, client: ArxivClient, bib: Path
) -> None:
    held = next(iter(arxiv_keys(bib)))
    before = snapshot(bib)
    report = add_ids(bib, ids(held, f"arXiv:{held}v1"), client)
    assert arxiv.asked == []
    assert report.added == []
    assert set(report.keys.values()) == {arxiv_keys(bib)[held]}
    assert snapshot(bib) == before


def test_new_ids_are_fetched_in_one_request_and_added_with_their_keys(
    arxiv: FakeArxiv, client: ArxivClient, bib: Path
) -> None:
    arxiv.add("2401.00001", paper=Paper(title="Sparse Things", authors=("Adrian Del Maestro",)))
    arxiv.add("2401.00002", version=3, paper=Paper(title="Dense Things"))
    report = add_ids(bib, ids("2401.00001", "2401.00002"), client)
    assert arxiv.asked == ["2401.00001,2401.00002"]
    assert report.keys == {
        parse_arxiv_id("2401.00001"): "delmaestro2024sparse",
        parse_arxiv_id("2401.00002"): "tester2024dense",
    }
    assert report.added == ids("2401.00001", "2401.00002")
    entry = read_bib(bib).get("tester2024dense")
    assert entry is not None
    assert entry.fields["version"] == "3"
    assert bib.read_text(encoding="utf-8").startswith(HAND_WRITTEN.split("\n@")[0])


def test_what_arxiv_lacks_is_missing_and_nothing_is_written(
    arxiv: FakeArxiv, client: ArxivClient, bib: Path
) -> None:
    before = snapshot(bib)
    report = add_ids(bib, ids("2401.09999"), client)
    assert report.missing == ids("2401.09999")
    assert report.unresolved == ids("2401.09999")
    assert snapshot(bib) == before


def test_an_unwritable_bib_is_refused_before_any_request(
    arxiv: FakeArxiv, client: ArxivClient, tmp_path: Path
) -> None:
    with pytest.raises(BibError, match="does not exist"):
        add_ids(tmp_path / "nowhere" / "papers.bib", ids("2401.00001"), client)
    assert arxiv.asked == []


def test_the_same_paper_asked_twice_gets_one_key_and_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "papers.bib"
    meta = PaperMetadata(parse_arxiv_id("2401.00003v2"), "Twice Told", ("Ann Author",), "cs.LG")
    again = PaperMetadata(parse_arxiv_id("2401.00003v1"), "Twice Told", ("Ann Author",), "cs.LG")
    keys = add_papers(path, [meta, again])
    assert set(keys.values()) == {"author2024twice"}
    assert [entry.key for entry in read_bib(path).entries] == ["author2024twice"]


def test_the_api_address_comes_from_the_option_then_the_environment() -> None:
    environment = Environment.read({"PAPERREFS_ARXIV_API": "http://127.0.0.1:1/api"})
    assert api_url("http://127.0.0.1:2/api", environment) == "http://127.0.0.1:2/api"
    assert api_url(None, environment) == "http://127.0.0.1:1/api"
    assert api_url(None, Environment.read({})) == "https://export.arxiv.org/api/query"


def calls_made(work: Callable[[], object]) -> int:
    """How many Python and built-in functions ``work`` calls: a cost count, not a timing."""
    count = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event in {"call", "c_call"}:
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def numbered_paper(number: int, title: str = "Scaling Laws", month: str = "2401") -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id(f"{month}.{number + 1:05d}"),
        title=title,
        authors=("Ada Lovelace",),
        primary_category="cs.LG",
    )


def bib_of(size: int) -> BibDocument:
    entries = [format_entry(f"held{n}", numbered_paper(n, f"Held {n}")) for n in range(size)]
    return parse_bib("\n".join(entries), Path("papers.bib"))


def test_keys_for_new_papers_cost_the_same_whatever_the_size_of_the_bib() -> None:
    """n new IDs against a bib of N entries: N + n work, never n × N (each key once
    compared with every key of the bib)."""
    new = [numbered_paper(n, f"Topic{n} Study", "2402") for n in range(40)]
    small, large = bib_of(100), bib_of(1_600)
    keys, entries = plan_papers(large, new)
    assert len(set(keys.values())) == len(new) == len(entries)
    grown = calls_made(lambda: plan_papers(large, new))
    grown -= calls_made(lambda: plan_papers(small, new))
    # Folding 1,500 more held keys once costs about that many calls; folding them for
    # each of the 40 new keys would cost 40 times as many.
    assert grown <= 2 * (1_600 - 100)


def test_many_papers_with_one_base_key_get_distinct_keys_in_order() -> None:
    keys, _ = plan_papers(bib_of(3), [numbered_paper(n, month="2403") for n in range(30)])
    made = list(keys.values())
    assert made[:3] == ["lovelace2024scaling", "lovelace2024scalinga", "lovelace2024scalingb"]
    assert len(set(made)) == 30
