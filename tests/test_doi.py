"""Works known by DOI: parsing DOIs, reading CSL-JSON, asking doi.org, writing entries.

The doi.org stand-in is a real HTTP server on 127.0.0.1 serving recorded responses
(``tests/fixtures/doi/``, with their provenance) and made-up error cases.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from paperrefs.bibfile import read_bib
from paperrefs.csl import NotCsl, parse_csl, plain_text
from paperrefs.doi import CSL_JSON, DoiClient
from paperrefs.entry import format_work, work_key
from paperrefs.fetching import add_dois
from paperrefs.ids import InvalidDoi, arxiv_id_of_doi, looks_like_doi, parse_doi
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv
from tests.helpers.fake_doi import FIXTURES, SCIENCE, ZENODO, serve_doi


def crossref_message(name: str) -> bytes:
    """A Crossref REST record's message: the same field names as CSL-JSON."""
    return json.dumps(json.loads((FIXTURES / name).read_bytes())["message"]).encode()


@pytest.mark.parametrize(
    "text",
    [
        "10.1126/science.169.3946.635",
        "doi:10.1126/science.169.3946.635",
        "DOI:10.1126/science.169.3946.635",
        "https://doi.org/10.1126/science.169.3946.635",
        "http://dx.doi.org/10.1126/science.169.3946.635",
        "https://doi.org/10.1126%2Fscience.169.3946.635",
    ],
)
def test_every_spelling_of_a_doi_reads_as_the_same_doi(text: str) -> None:
    assert parse_doi(text).value == "10.1126/science.169.3946.635"


def test_a_doi_is_the_same_doi_in_any_case() -> None:
    assert parse_doi("10.5281/ZENODO.30799") == parse_doi("10.5281/zenodo.30799")
    assert len({parse_doi("10.5281/ZENODO.30799"), parse_doi("doi:10.5281/zenodo.30799")}) == 1


@pytest.mark.parametrize("text", ["10.1/x", "10.1126", "doi:", "10.1126/has space"])
def test_text_that_is_no_doi_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidDoi, match="not a DOI"):
        parse_doi(text)


def test_arxivs_own_dois_name_arxiv_papers_and_only_they_do() -> None:
    assert str(arxiv_id_of_doi(parse_doi("10.48550/arXiv.2305.18290"))) == "2305.18290"
    assert arxiv_id_of_doi(parse_doi("10.1126/science.169.3946.635")) is None
    assert looks_like_doi("doi:10.1/x")
    assert not looks_like_doi("2305.18290")


def test_a_datacite_record_reads_as_a_report_with_its_authors() -> None:
    work = parse_csl(ZENODO)
    assert work.doi == parse_doi("10.5281/zenodo.30799")
    assert work.kind == "techreport"
    assert work.title == "D2.1: Artefact, Contributor, And Organisation Relationship Data Schema"
    assert [person.surname for person in work.authors][:3] == ["Fenner", "Demeranville", "Kotarski"]
    assert (work.year, work.publisher) == ("2015", "Zenodo")


def test_a_crossref_record_reads_as_a_journal_article() -> None:
    work = parse_csl(SCIENCE)
    assert work.kind == "article"
    assert work.title.startswith("The Structure of Ordinary Water: New data")
    assert (work.container, work.volume, work.issue, work.pages, work.year) == (
        "Science",
        "169",
        "3946",
        "635--641",
        "1970",
    )
    assert work.authors[0].given == "Henry S."


def test_titles_with_markup_become_plain_text() -> None:
    glycolipid = parse_csl(crossref_message("works_crossref_10.1101_2020.12.01.406702.json"))
    assert glycolipid.title == (
        "Identification of a novel cationic glycolipid in Streptococcus agalactiae "
        "that contributes to brain entry and meningitis"
    )
    assert "Mendonça" in [person.family for person in glycolipid.authors]
    bridge = parse_csl(crossref_message("works_crossref_10.5194_cp-2020-95.json"))
    assert "the δ13C Decline" in bridge.title
    assert plain_text("H<sub>2</sub>O &amp; <mml:math><mml:mi>x</mml:mi></mml:math>") == "H2O & x"
    assert plain_text("<script>alert(1)</script>p < 0.05") == "alert(1)p < 0.05"


def test_a_crossref_rest_record_reads_whole_and_a_preprint_names_its_server() -> None:
    # The genuine answer of api.crossref.org/works/DOI, envelope and all: a --doi-url
    # pointed at Crossref's REST API is understood like content negotiation.
    body = (FIXTURES / "works_crossref_10.1101_2020.12.01.406702.json").read_bytes()
    work = parse_csl(body)
    assert work.doi == parse_doi("10.1101/2020.12.01.406702")
    assert (work.kind, work.container, work.year) == ("misc", "bioRxiv", "2020")
    assert "  howpublished  = {bioRxiv},\n" in format_work(work_key(work, []), work)


def test_a_list_of_one_record_is_that_record() -> None:
    assert parse_csl(b"[" + SCIENCE + b"]") == parse_csl(SCIENCE)


def test_dates_given_as_text_and_ranges_with_any_dash_read_the_same() -> None:
    record = json.loads(SCIENCE)
    for name in ("issued", "published-print", "published"):
        del record[name]
    record["issued"], record["page"] = {"raw": "Summer 1970"}, "635\u2013641"
    work = parse_csl(json.dumps(record).encode())
    assert (work.year, work.pages) == ("1970", "635--641")


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>DOI landing page</body></html>", b"[]", b'{"title": "x"}', b""],
)
def test_anything_but_a_csl_record_is_refused(body: bytes) -> None:
    with pytest.raises(NotCsl):
        parse_csl(body)


def test_entries_have_the_right_type_and_the_key_scheme() -> None:
    report = format_work(work_key(parse_csl(ZENODO), []), parse_csl(ZENODO))
    assert report.startswith("@techreport{fenner2015d21,\n")
    assert "  institution   = {Zenodo},\n" in report
    assert "  url           = {https://doi.org/10.5281/ZENODO.30799},\n" in report
    article = format_work("frank1970structure", parse_csl(SCIENCE))
    assert article.startswith("@article{frank1970structure,\n")
    assert "  journal       = {Science},\n" in article
    assert "  author        = {Frank, Henry S.},\n" in article


def test_names_reach_bibtex_family_first_with_particles_kept() -> None:
    record = json.loads(ZENODO)
    record["author"] = [
        {"family": "Del Maestro", "given": "Adrian"},
        {"family": "Maaten", "given": "Laurens", "non-dropping-particle": "van der"},
        {"literal": "The DeepSeek-AI Team and Friends"},
    ]
    work = parse_csl(json.dumps(record).encode())
    entry = format_work(work_key(work, []), work)
    assert entry.startswith("@techreport{delmaestro2015d21,")
    assert (
        "author        = {Del Maestro, Adrian and van der Maaten, Laurens"
        " and {The DeepSeek-AI Team and Friends}}"
    ) in entry


# doi.org on 127.0.0.1


@pytest.fixture
def client(httpserver: HTTPServer, tmp_path: Path) -> Iterator[Callable[..., DoiClient]]:
    made: list[DoiClient] = []

    def make(**options: object) -> DoiClient:
        options = {"throttle_path": tmp_path / "throttle", "min_interval": 0.05, **options}
        made.append(DoiClient(httpserver.url_for(""), **options))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_content_negotiation_asks_for_csl_json_and_names_its_contact(
    httpserver: HTTPServer, client: Callable[..., DoiClient]
) -> None:
    seen = serve_doi(httpserver, "10.5281/ZENODO.30799", ZENODO)
    with client(contact="notes@example.org") as doi_client:
        result = doi_client.fetch([parse_doi("10.5281/ZENODO.30799")])
    assert list(result.found) == [parse_doi("10.5281/zenodo.30799")]
    assert seen[0].headers["Accept"] == CSL_JSON
    agent = seen[0].headers["User-Agent"]
    assert agent.startswith("paperrefs/")
    assert "mailto:notes@example.org" in agent


def test_a_doi_that_does_not_exist_is_missing(
    httpserver: HTTPServer, client: Callable[..., DoiClient]
) -> None:
    serve_doi(httpserver, "10.1371/notarealdoi", None)
    result = client().fetch([parse_doi("10.1371/notarealdoi")])
    assert result.missing == [parse_doi("10.1371/notarealdoi")]
    assert not result.found


def test_a_web_page_instead_of_metadata_is_refused(
    httpserver: HTTPServer, client: Callable[..., DoiClient]
) -> None:
    page = b"<html><body>Landing page</body></html>"
    httpserver.expect_request("/10.1000/page").respond_with_data(page, content_type="text/html")
    result = client().fetch([parse_doi("10.1000/page")])
    assert "web page" in result.failed[parse_doi("10.1000/page")]


def test_an_agency_without_csl_json_is_named_as_the_reason(
    httpserver: HTTPServer, client: Callable[..., DoiClient]
) -> None:
    httpserver.expect_request("/10.1000/other-agency").respond_with_data(
        "Not Acceptable", status=406, content_type="text/plain"
    )
    result = client().fetch([parse_doi("10.1000/other-agency")])
    assert (
        "offers no CSL-JSON metadata (HTTP 406)" in result.failed[parse_doi("10.1000/other-agency")]
    )
    assert len(httpserver.log) == 1  # not retried: asking again cannot help


@pytest.mark.slow  # waits out a one-second Retry-After
def test_503_with_retry_after_is_waited_out_then_answered(
    httpserver: HTTPServer, client: Callable[..., DoiClient]
) -> None:
    answers = iter(
        [
            Response("busy", status=503, headers={"Retry-After": "1"}),
            Response(SCIENCE, content_type=CSL_JSON),
        ]
    )
    httpserver.expect_request("/10.1126/science.169.3946.635").respond_with_handler(
        lambda request: next(answers)
    )
    started = time.monotonic()
    result = client().fetch([parse_doi("10.1126/science.169.3946.635")])
    assert time.monotonic() - started >= 1.0
    assert result.found[parse_doi("10.1126/science.169.3946.635")].container == "Science"


# Into the bibliography


def test_a_new_doi_is_added_once_and_found_again_in_any_case(
    httpserver: HTTPServer, client: Callable[..., DoiClient], tmp_path: Path
) -> None:
    bib = tmp_path / "papers.bib"
    bib.write_text("", encoding="utf-8")
    seen = serve_doi(httpserver, "10.5281/ZENODO.30799", ZENODO)
    first = add_dois(bib, [parse_doi("10.5281/ZENODO.30799")], client())
    again = add_dois(bib, [parse_doi("https://doi.org/10.5281/zenodo.30799")], client())
    assert first.added == [parse_doi("10.5281/zenodo.30799")]
    assert again.added == []
    assert list(again.keys.values()) == ["fenner2015d21"]
    assert len(seen) == 1
    assert [entry.key for entry in read_bib(bib).entries] == ["fenner2015d21"]


def test_a_doi_an_arxiv_entry_carries_is_that_entry(
    client: Callable[..., DoiClient], tmp_path: Path
) -> None:
    bib = tmp_path / "papers.bib"
    bib.write_text(
        "@misc{rafailov2023direct,\n  title = {DPO},\n  author = {Rafael Rafailov},\n"
        "  year = {2023},\n  eprint = {2305.18290},\n  archiveprefix = {arXiv},\n"
        "  doi = {10.5555/NeurIPS.2023.Direct},\n}\n",
        encoding="utf-8",
    )
    before = bib.read_bytes()
    report = add_dois(bib, [parse_doi("doi:10.5555/neurips.2023.direct")], client())
    assert report.keys == {parse_doi("10.5555/NeurIPS.2023.Direct"): "rafailov2023direct"}
    assert bib.read_bytes() == before


def test_nothing_is_written_for_a_missing_doi(
    httpserver: HTTPServer, client: Callable[..., DoiClient], tmp_path: Path
) -> None:
    bib = tmp_path / "papers.bib"
    bib.write_text("% mine\n", encoding="utf-8")
    serve_doi(httpserver, "10.1371/notarealdoi", None)
    report = add_dois(bib, [parse_doi("10.1371/notarealdoi")], client())
    assert report.missing == [parse_doi("10.1371/notarealdoi")]
    assert bib.read_text(encoding="utf-8") == "% mine\n"


@pytest.mark.slow  # the command line as a real process against two servers
def test_sync_fetches_the_dois_the_notes_cite(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    seen = serve_doi(httpserver, "10.5281/ZENODO.30799", ZENODO)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Notes\n\n## Schema\n```{paper} 10.5281/ZENODO.30799\n:added: 2024-07-04\n```\n- gaps\n",
        encoding="utf-8",
    )
    bib = tmp_path / "papers.bib"
    bib.write_text("", encoding="utf-8")
    args = ["--bib", str(bib), "--docs", str(docs), "--doi-url", httpserver.url_for("")]
    run = run_paperrefs(["sync", *args], tmp_path, arxiv.url)
    assert run.returncode == 0, run.stderr
    assert "0 arXiv paper(s) and 1 DOI(s) cited; 1 added" in run.stderr
    assert [entry.key for entry in read_bib(bib).entries] == ["fenner2015d21"]
    again = run_paperrefs(["sync", *args], tmp_path, arxiv.url)
    assert again.returncode == 0, again.stderr
    assert len(seen) == 1
    check = run_paperrefs(["check", "--bib", str(bib), "--docs", str(docs)], tmp_path)
    assert "0 error(s), 0 warning(s)" in check.stderr, check.stderr
