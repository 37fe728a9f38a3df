"""Plain field values skip pylatexenc; the shortcut must give exactly what it would."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from paperrefs.text import _SPACES, latex_converter, latex_to_text

# Letters, digits, whitespace, braces, punctuation and a few non-ASCII characters: the
# shortcut decides by itself which of these strings it may take.
TEXT = st.text(
    alphabet=st.sampled_from([*"aZ09 {}{}.,:;!?-'\"()<>@/*[]=+|", "ö", "東", "\n", "\t"]),
    max_size=30,
)


def through_pylatexenc(value: str) -> str:
    return _SPACES.sub(" ", latex_converter().latex_to_text(value)).strip()


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("quoted ''twice''")
@example("a -- b --- c")
@example("{a}{b} {} }{")
def test_plain_values_read_as_pylatexenc_reads_them(value: str) -> None:
    assert latex_to_text(value) == through_pylatexenc(value)


def test_values_with_latex_still_go_through_pylatexenc() -> None:
    assert latex_to_text(r"Caf\'e -- 90\% \textbraceleft{}x\textbraceright{}") == "Café – 90% {x}"
    assert latex_to_text("{RLHF} for {GPT}-4") == "RLHF for GPT-4"
