"""The command line's citation scanner: what counts as code, what counts as a citation."""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.ids import ArxivId
from paperrefs.location import Location
from paperrefs.scan import Citations, scan_docs, scan_text, without_code

NOTE = Path("notes/a.md")


def scanned(text: str, path: Path = NOTE) -> Citations:
    citations = Citations()
    scan_text(text, path, citations)
    return citations


def ids(citations: Citations) -> dict[str, list[int]]:
    return {
        str(arxiv_id): [where.line for where in places]
        for arxiv_id, places in citations.arxiv.items()
    }


def keys(citations: Citations) -> dict[str, list[int]]:
    return {key: [where.line for where in places] for key, places in citations.keys.items()}


# -- without_code ---------------------------------------------------------------------------


def test_a_fenced_code_block_is_blanked_fences_included() -> None:
    text = "before\n```python\n{arxiv}`2305.18290`\n```\nafter"
    assert without_code(text) == "before\n\n\n\nafter"


def test_a_fence_whose_info_starts_with_a_brace_is_a_directive_and_is_kept() -> None:
    text = "```{paper} 2305.18290\n:added: 2024-07-04\n```\n- a note\n"
    assert without_code(text) == text


def test_a_tilde_fence_is_blanked_like_a_backtick_fence() -> None:
    text = "~~~\nhttps://arxiv.org/abs/2305.18290\n~~~\nafter"
    assert without_code(text) == "\n\n\nafter"


def test_a_block_closes_only_at_a_fence_of_its_kind_at_least_as_long() -> None:
    text = "````\n```\n~~~~\ninside\n```\n`````\nafter"
    assert without_code(text) == "\n\n\n\n\n\nafter"


def test_a_fence_with_an_info_string_does_not_close_a_block() -> None:
    text = "```\ncode\n``` python\nstill code\n```\nafter"
    assert without_code(text) == "\n\n\n\n\nafter"


def test_an_unclosed_fence_blanks_to_the_end_of_the_text() -> None:
    text = "kept\n```\nnever closed\nhttps://arxiv.org/abs/2305.18290"
    assert without_code(text) == "kept\n\n\n"


def test_a_double_backtick_code_span_is_blanked_to_spaces_of_the_same_length() -> None:
    text = "see ``{arxiv}`2305.18290` `` here"
    assert without_code(text) == "see " + " " * len("``{arxiv}`2305.18290` ``") + " here"


def test_single_backtick_roles_are_kept() -> None:
    text = "as in {arxiv}`2305.18290` and {cite:t}`sutton2018reinforcement`"
    assert without_code(text) == text


def test_blanking_keeps_the_line_count_and_every_later_line_in_place() -> None:
    text = "a\n```\nx\ny\n```\n``z``\nb\n~~~\nc\n"
    blanked = without_code(text)
    assert blanked.count("\n") == text.count("\n")
    assert blanked.split("\n")[6] == "b"


# -- scan_text: the four ways of citing --------------------------------------------------------


def test_a_paper_directive_with_an_id_is_an_arxiv_citation_at_its_line() -> None:
    citations = scanned("# T\n\n```{paper} arXiv:1707.06347v2\n:added: 2024-07-04\n```\n")
    assert ids(citations) == {"1707.06347": [3]}
    assert citations.keys == {}


def test_a_paper_directive_with_a_key_is_a_key_citation() -> None:
    citations = scanned(":::{paper} sutton2018reinforcement\n:::\n")
    assert keys(citations) == {"sutton2018reinforcement": [1]}
    assert citations.arxiv == {}


def test_an_rst_paper_directive_is_a_citation() -> None:
    citations = scanned("Title\n=====\n\n.. paper:: hep-th/9901001\n   :added: 2024-07-04\n")
    assert ids(citations) == {"hep-th/9901001": [4]}


def test_both_spellings_of_the_arxiv_role_are_citations() -> None:
    citations = scanned("{arxiv}`2305.18290`\n\nand :arxiv:`1502.05477`\n")
    assert ids(citations) == {"2305.18290": [1], "1502.05477": [3]}


def test_plain_arxiv_links_in_every_spelling_are_citations() -> None:
    text = "\n".join(
        [
            "[a](https://arxiv.org/abs/2305.18290)",
            "[b](https://arxiv.org/pdf/1707.06347)",
            "[c](https://arxiv.org/abs/1502.05477v3)",
            "[d](https://arxiv.org/pdf/1706.03741v4.pdf)",
            "[e](http://arxiv.org/abs/1909.08593)",
            "[f](HTTPS://ARXIV.ORG/abs/2203.02155)",
        ]
    )
    assert ids(scanned(text)) == {
        "2305.18290": [1],
        "1707.06347": [2],
        "1502.05477": [3],
        "1706.03741": [4],
        "1909.08593": [5],
        "2203.02155": [6],
    }


@pytest.mark.parametrize("role", ["{cite}", "{cite:p}", "{cite:t}", ":cite:p:"])
def test_every_cite_role_cites_each_key_of_its_comma_list(role: str) -> None:
    citations = scanned(f"intro\nas shown {role}`ho2020, song2021 ,, karras2022`\n")
    assert keys(citations) == {"ho2020": [2], "song2021": [2], "karras2022": [2]}
    assert citations.arxiv == {}


def test_every_location_names_the_file_and_the_line_of_the_citation() -> None:
    text = "line one\n\nsee {arxiv}`2305.18290`,\nthen {arxiv}`2305.18290v2`\n"
    assert scanned(text).arxiv == {
        ArxivId("2305.18290"): [Location(NOTE, 3), Location(NOTE, 4)],
    }


def test_a_paper_directive_whose_argument_is_an_arxiv_url_is_one_citation() -> None:
    citations = scanned("```{paper} https://arxiv.org/pdf/2305.18290\n:added: 2024-07-07\n```\n")
    assert ids(citations) == {"2305.18290": [1]}


def test_an_invalid_id_in_a_role_is_reported_with_its_location() -> None:
    citations = scanned("ok\n{arxiv}`2399.00001` and :arxiv:`not-an-id`\n")
    assert citations.invalid == [
        (Location(NOTE, 2), "not an arXiv ID: '2399.00001' (month 99 does not exist)"),
        (
            Location(NOTE, 2),
            "not an arXiv ID: 'not-an-id' (expected a form like 2305.18290, "
            "hep-th/9901001 or an arXiv URL)",
        ),
    ]
    assert citations.arxiv == {}
    assert citations.keys == {}


def test_versioned_ids_are_stored_unversioned() -> None:
    citations = scanned("{arxiv}`2305.18290v3`\n```{paper} 1707.06347v1\n```\n")
    assert set(citations.arxiv) == {ArxivId("2305.18290"), ArxivId("1707.06347")}
    assert {arxiv_id.version for arxiv_id in citations.arxiv} == {None}


def test_citations_shown_as_code_are_not_citations() -> None:
    text = (
        "````markdown\n```{paper} 2305.18290\n```\n````\n"
        "``{arxiv}`1707.06347` `` and ``[x](https://arxiv.org/abs/1502.05477)``\n"
        "``{cite:t}`sutton2018reinforcement` ``\n"
    )
    citations = scanned(text)
    assert citations.arxiv == {}
    assert citations.keys == {}
    assert citations.invalid == []


def test_lines_after_a_blanked_code_block_keep_their_numbers() -> None:
    text = "```\n{arxiv}`2305.18290`\n```\n\n{arxiv}`1707.06347`\n"
    assert ids(scanned(text)) == {"1707.06347": [5]}


# -- scan_docs ----------------------------------------------------------------------------------


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_scan_docs_reads_every_source_and_skips_build_output_and_generated_pages(
    tmp_path: Path,
) -> None:
    index = write(tmp_path, "index.md", "# Home\n\n{arxiv}`2305.18290`\n")
    rst = write(tmp_path, "notes/old.rst", "Old\n===\n\n.. paper:: 1707.06347\n")
    text = write(tmp_path, "notes/list.txt", "{cite}`sutton2018reinforcement`\n")
    write(tmp_path, "_build/html/_sources/index.md.txt", "{arxiv}`1502.05477`\n")
    write(tmp_path, "_build/copy.md", "{arxiv}`1502.05477`\n")
    write(tmp_path, "papers/schulman2015trust.md", "```{paper-page} x\n```\n{arxiv}`1502.05477`\n")
    write(tmp_path, "notes/_static/x.md", "{arxiv}`1502.05477`\n")
    write(tmp_path, "conf.py", "# {arxiv}`1502.05477`\n")
    citations = scan_docs(tmp_path)
    assert citations.arxiv == {
        ArxivId("2305.18290"): [Location(index, 3)],
        ArxivId("1707.06347"): [Location(rst, 4)],
    }
    assert citations.keys == {"sutton2018reinforcement": [Location(text, 1)]}


def test_scan_docs_skips_the_papers_dir_it_is_given_and_only_that(tmp_path: Path) -> None:
    generated = write(tmp_path, "refs/generated.md", "{arxiv}`2305.18290`\n")
    papers = write(tmp_path, "papers/note.md", "{arxiv}`1707.06347`\n")
    citations = scan_docs(tmp_path, papers_dir="refs")
    assert citations.arxiv == {ArxivId("1707.06347"): [Location(papers, 1)]}
    assert generated.exists()


def test_scan_docs_of_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert scan_docs(tmp_path / "absent") == Citations()


def test_dois_in_paper_directives_and_doi_links_are_cited() -> None:
    citations = scanned(
        "```{paper} doi:10.5281/ZENODO.30799\n:added: 2024-07-07\n```\n"
        "- see [the article](https://doi.org/10.1126/science.169.3946.635)\n"
        "- and [arXiv's own](https://doi.org/10.48550/arXiv.2305.18290)\n"
        "- but not a bare https://doi.org/10.1000/bare in text\n"
    )
    assert {
        str(doi): [where.line for where in places] for doi, places in citations.dois.items()
    } == {
        "10.5281/ZENODO.30799": [1],
        "10.1126/science.169.3946.635": [4],
    }
    assert ids(citations) == {"2305.18290": [5]}
    assert citations.keys == {}
