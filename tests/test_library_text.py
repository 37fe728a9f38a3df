"""What the bib holds reads back as what arXiv sent: titles and names shown on pages,
tooltips and the feed are the text that went into the entry, as plain text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paperrefs.entry import clean_text, format_name, protect_title
from paperrefs.names import parse_bibtex
from paperrefs.text import latex_to_text


@pytest.mark.parametrize(
    "title",
    [
        "Sets of {braces} and x^2 and y~z",
        r"A back\slash, 50% & #1 _x_ and $O(n)$",
        "<script>alert(1)</script> &amp; &lt;b&gt;",
        "A {cite}`x` role, an {include} directive and ::: colons",
        "[click](javascript:alert(1)) *stars* `ticks`",
        "RTL עברית and العربية, emoji 🚀, combining e\u0301",
        "DeepSeek-R1: RL for LLMs",
    ],
)
def test_titles_read_back_exactly(title: str) -> None:
    assert latex_to_text(protect_title(title)) == title


# Characters LaTeX text mode turns into others (`--` into a dash, quotes into curly
# quotes) are left out: the entry keeps them for LaTeX, and pages show LaTeX's reading.
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="-`'"),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_any_title_reads_back(title: str) -> None:
    assert latex_to_text(protect_title(title)) == clean_text(title)


@settings(max_examples=200, deadline=None)
@given(_TEXT.filter(lambda text: " and " not in f" {text.lower()} " and "," not in text))
def test_any_name_reads_back(name: str) -> None:
    """Pages read a name as BibTeX does, family-first forms included, and show it as sent."""
    assert latex_to_text(parse_bibtex(format_name(name)).display) == clean_text(name)
