"""Keys and entry text: the exact layout, escaping, title protection and names."""

from __future__ import annotations

import re

import pybtex.errors
import pytest
from bibtexparser.entrypoint import parse_string
from hypothesis import given, settings
from hypothesis import strategies as st
from paperrefs.entry import (
    clean_text,
    format_entry,
    format_name,
    make_key,
    needs_protection,
    protect_title,
    surname,
)
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata
from pybtex.database import parse_string as pybtex_parse
from pybtex.richtext import Text

from tests.helpers.bibs import undo_escapes

DPO = PaperMetadata(
    arxiv_id=parse_arxiv_id("2305.18290"),
    title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
    authors=(
        "Rafael Rafailov",
        "Archit Sharma",
        "Eric Mitchell",
        "Stefano Ermon",
        "Christopher D. Manning",
        "Chelsea Finn",
    ),
    primary_category="cs.LG",
    journal_ref="NeurIPS 2023",
)

DPO_ENTRY = """\
@misc{rafailov2023direct,
  title         = {Direct Preference Optimization: Your Language Model is Secretly a Reward Model},
  author        = {Rafael Rafailov and Archit Sharma and Eric Mitchell and Stefano Ermon and \
Christopher D. Manning and Chelsea Finn},
  year          = {2023},
  eprint        = {2305.18290},
  archiveprefix = {arXiv},
  primaryclass  = {cs.LG},
  doi           = {10.48550/arXiv.2305.18290},
  url           = {https://arxiv.org/abs/2305.18290},
  note          = {NeurIPS 2023},
}
"""


def paper(
    arxiv_id: str = "2305.18290",
    title: str = "A Title",
    authors: tuple[str, ...] = ("Ann Author",),
    **extra: str | None,
) -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id(arxiv_id),
        title=title,
        authors=authors,
        primary_category="cs.LG",
        **extra,  # type: ignore[arg-type]
    )


# Keys


def test_keys_of_the_contract() -> None:
    ppo = paper(
        "1707.06347", "Proximal Policy Optimization Algorithms", ("John Schulman", "Filip Wolski")
    )
    assert make_key(DPO, []) == "rafailov2023direct"
    assert make_key(ppo, []) == "schulman2017proximal"


@pytest.mark.parametrize(
    ("authors", "title", "key"),
    [
        (("DeepSeek-AI", "Xiao Bi"), "DeepSeek-V2: A Strong Model", "deepseekai2024deepseekv2"),
        (("Kacper Kapuśniak",), "Metric Flow Matching", "kapusniak2024metric"),
        (("Sjoerd van Steenkiste",), "Improving Things", "vansteenkiste2024improving"),
        (("Adrian Del Maestro",), "Quantum Things", "delmaestro2024quantum"),
        (("Dylan Hadfield-Menell",), "Cooperative IRL", "hadfieldmenell2024cooperative"),
        (("Martin Luther King, Jr.",), "Letters", "king2024letters"),
        (("King, Martin",), "Letters", "king2024letters"),
        (("Ann Author",), "Towards a Theory of the Thing", "author2024theory"),
        (("Ann Author",), "On the Use of X", "author2024use"),
        (("Ann Author",), "Fine-Tuning Models", "author2024finetuning"),
        (("Ann Author",), "The", "author2024the"),
        (("Ann Author",), "", "author2024"),
        ((), "Untitled Work", "anon2024untitled"),
        (("李 小龙",), "日本 Study", "xiaolong2024riben"),
    ],
)
def test_key_parts(authors: tuple[str, ...], title: str, key: str) -> None:
    assert make_key(paper("2401.00001", title, authors), []) == key


def test_key_year_comes_from_the_id_not_a_version() -> None:
    assert make_key(paper("1208.0984v3", "APRIL: Active Learning"), []) == "author2012april"
    assert make_key(paper("hep-th/9901001", "Strings"), []) == "author1999strings"


def test_surname_keeps_particles_in_and_drops_suffixes() -> None:
    assert surname("Francesco Di Giovanni") == "digiovanni"
    assert surname("Laurens van der Maaten") == "vandermaaten"
    assert surname("Quoc V. Le") == "le"
    assert surname("John Smith III") == "smith"
    assert surname("Y. K. Li") == "li"
    assert surname("") == ""


def test_only_the_new_key_gets_a_suffix_case_insensitively() -> None:
    taken = ["Rafailov2023Direct"]
    assert make_key(DPO, taken) == "rafailov2023directa"
    assert taken == ["Rafailov2023Direct"]
    assert make_key(DPO, ["rafailov2023direct", "RAFAILOV2023DIRECTA"]) == "rafailov2023directb"


def test_suffixes_continue_after_z() -> None:
    base = "rafailov2023direct"
    taken = [base] + [base + chr(code) for code in range(ord("a"), ord("z") + 1)]
    assert make_key(DPO, taken) == base + "aa"
    assert make_key(DPO, [*taken, base + "aa"]) == base + "ab"


@settings(max_examples=200, deadline=None)
@given(
    authors=st.lists(st.text(max_size=20), max_size=3),
    title=st.text(max_size=40),
    taken=st.lists(st.from_regex(r"[a-zA-Z0-9]{0,25}", fullmatch=True), max_size=5),
)
def test_keys_are_always_plain_and_free(authors: list[str], title: str, taken: list[str]) -> None:
    key = make_key(paper("2401.00001", title, tuple(authors)), taken)
    assert re.fullmatch("[a-z0-9]+", key)
    assert key not in {name.lower() for name in taken}


# Layout


def test_the_entry_layout_is_fixed() -> None:
    assert format_entry("rafailov2023direct", DPO) == DPO_ENTRY


def test_the_eprint_is_unversioned_and_the_version_is_recorded_apart() -> None:
    versioned = format_entry("k", paper("2305.18290v3", DPO.title, DPO.authors))
    unversioned = format_entry("k", paper("2305.18290", DPO.title, DPO.authors))
    assert "  eprint        = {2305.18290},\n  version       = {3},\n" in versioned
    assert versioned.replace("  version       = {3},\n", "") == unversioned
    assert "v3" not in versioned


def test_absent_fields_are_left_out() -> None:
    text = format_entry("k", paper(journal_ref=None))
    assert "note" not in text
    assert [line.split("=")[0].strip() for line in text.splitlines()[1:-1]] == [
        "title",
        "author",
        "year",
        "eprint",
        "archiveprefix",
        "primaryclass",
        "doi",
        "url",
    ]


@pytest.mark.parametrize(
    ("doi", "stored"),
    [
        (None, "10.48550/arXiv.2305.18290"),
        ("10.1038/s41598-024-74045-9", "10.1038/s41598-024-74045-9"),
        ("https://doi.org/10.1007/978-3-642-33486-3_8", "10.1007/978-3-642-33486-3_8"),
        ("10.1000/{broken", "10.48550/arXiv.2305.18290"),
        ("not a doi", "10.48550/arXiv.2305.18290"),
    ],
)
def test_doi_is_bare_and_safe(doi: str | None, stored: str) -> None:
    assert f"  doi           = {{{stored}}},\n" in format_entry("k", paper(doi=doi))


# Escaping and protection


@pytest.mark.parametrize(
    ("special", "escaped"),
    [
        ("%", r"\%"),
        ("&", r"\&"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("$", r"\$"),
        ("{", r"\textbraceleft{}"),
        ("}", r"\textbraceright{}"),
        ("~", r"\textasciitilde{}"),
        ("^", r"\textasciicircum{}"),
        ("\\", r"\textbackslash{}"),
    ],
)
def test_every_special_is_escaped_in_every_text_field(special: str, escaped: str) -> None:
    meta = paper(title=f"a {special} b", authors=(f"Ann {special}x",), journal_ref=f"v {special}")
    text = format_entry("k", meta)
    assert f"title         = {{a {escaped} b}}," in text
    assert f"author        = {{Ann {escaped}x}}," in text
    assert f"note          = {{v {escaped}}}," in text


def test_a_percent_cannot_cut_the_title() -> None:
    title = protect_title("Achieving 90% accuracy & more_things with $x^2$ {sets} ~ C:\\path")
    assert title == (
        r"Achieving 90\% accuracy \& more\_things with \$x\textasciicircum{}2\$ "
        r"\textbraceleft{}sets\textbraceright{} \textasciitilde{} C:\textbackslash{}path"
    )


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("DeepSeekMath: Pushing", "{DeepSeekMath}: Pushing"),
        ("LeanDojo: Theorem", "{LeanDojo}: Theorem"),
        ("Theorem Proving in LLMs", "Theorem Proving in {LLMs}"),
        ("Beyond GPT-4 today", "Beyond {GPT-4} today"),
        ("DeepSeek-V2: A Strong", "{DeepSeek-V2}: A Strong"),
        ("Deep RL works", "Deep {RL} works"),
        ("3D scenes", "{3D} scenes"),
        ("Llama2 (LLMs).", "{Llama2} ({LLMs})."),
        ("R&D labs", r"{R\&D} labs"),
        ("Chain-of-Thought Prompting", "Chain-of-Thought Prompting"),
        ("Lean Copilot", "Lean Copilot"),
        ("A Study of I/O", "A Study of {I/O}"),
        ("  spaced \n\t out\x00 ", "spaced out"),
    ],
)
def test_title_protection(title: str, protected: str) -> None:
    assert protect_title(title) == protected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("ÜberNet", True), ("Über", False), ("ÉCOLE", True), ("V2", True), ("Qwen-2", False)],
)
def test_protection_rule_handles_unicode(word: str, expected: bool) -> None:
    assert needs_protection(word) is expected


# Names


@pytest.mark.parametrize(
    ("name", "formatted"),
    [
        ("Jürgen Schmidhuber", "Jürgen Schmidhuber"),
        ("Kacper Kapuśniak", "Kacper Kapuśniak"),
        ("DeepSeek-AI", "{DeepSeek-AI}"),
        ("Sjoerd van Steenkiste", "van Steenkiste, Sjoerd"),
        ("Adrian Del Maestro", "Del Maestro, Adrian"),
        ("Laurens van der Maaten", "van der Maaten, Laurens"),
        ("Francesco Di Giovanni", "Di Giovanni, Francesco"),
        ("Nando de Freitas", "de Freitas, Nando"),
        ("Quoc V. Le", "Quoc V. Le"),
        ("Van Jacobson", "Van Jacobson"),
        ("John Smith III", "Smith, III, John"),
        ("Research and Development Team", "{Research and Development Team}"),
        ("Martin Luther King, Jr.", "King, Jr., Martin Luther"),
        ("Ludwig van Beethoven, Jr.", "van Beethoven, Jr., Ludwig"),
        ("Smith, John", "Smith, John"),
        ("A, B, C, D", "{A, B, C, D}"),
        ("Pat O_Neil", r"Pat O\_Neil"),
        ("   ", ""),
    ],
)
def test_names(name: str, formatted: str) -> None:
    assert format_name(name) == formatted


def test_organization_author_is_one_name_for_pybtex() -> None:
    meta = paper(authors=("DeepSeek-AI", "Xiao Bi", "Y. K. Li"))
    assert "author        = {{DeepSeek-AI} and Xiao Bi and Y. K. Li}," in format_entry("k", meta)
    persons = pybtex_parse(format_entry("k", meta), "bibtex").entries["k"].persons["author"]
    assert [str(person) for person in persons] == ["{DeepSeek-AI}", "Bi, Xiao", "Li, Y. K."]


# Round trip through the parsers other tools use

SPECIALS = st.sampled_from(list("%&#_${}~^\\"))
ANY_TEXT = st.text(st.one_of(st.characters(codec="utf-8"), SPECIALS), max_size=40)
ANY_NAME = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_characters=","), SPECIALS), max_size=20
)
# What latexcodec (pybtex's decoder) renders back as it was: it knows \% \& \# \_ but not
# the escapes of $ ^ ~ \ { }, and it turns -- `` '' ?` !` into typographic characters.
PYBTEX_SAFE = st.text(
    st.one_of(st.characters(categories=["L", "N", "Zs"]), st.sampled_from(list("%&#_.:;()"))),
    max_size=40,
)


def parse_both(text: str) -> tuple[dict[str, str], list[str]]:
    """Fields as bibtexparser reads them, authors as pybtex's name parser splits them."""
    library = parse_string(text, parse_stack=[])
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["k"]
    fields = {field.key: field.value for field in library.entries[0].fields}
    with pybtex.errors.capture() as problems:
        entry = pybtex_parse(text, "bibtex").entries["k"]
    assert problems == []
    assert fields["title"] == "{" + entry.fields.get("title", "") + "}"
    people = [
        " ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)
        for p in entry.persons.get("author", [])
    ]
    return fields, people


@settings(max_examples=300, deadline=None)
@given(
    title=ANY_TEXT.filter(lambda text: clean_text(text)),
    authors=st.lists(ANY_NAME, max_size=4),
    venue=ANY_TEXT,
)
def test_nothing_is_lost_through_pybtex_and_bibtexparser(
    title: str, authors: list[str], venue: str
) -> None:
    meta = paper(title=title, authors=tuple(authors), journal_ref=venue)
    fields, people = parse_both(format_entry("k", meta))
    assert undo_escapes(fields["title"][1:-1]) == clean_text(title)
    assert [undo_escapes(person) for person in people] == [
        clean_text(name) for name in authors if clean_text(name)
    ]
    if clean_text(venue):
        assert undo_escapes(fields["note"][1:-1]) == clean_text(venue)


@settings(max_examples=200, deadline=None)
@given(title=PYBTEX_SAFE.filter(lambda text: clean_text(text)))
def test_pybtex_renders_the_title_as_written(title: str) -> None:
    fields, _ = parse_both(format_entry("k", paper(title=title)))
    assert Text.from_latex(fields["title"][1:-1]).render_as("text") == clean_text(title)
