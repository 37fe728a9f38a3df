"""Incremental equals clean after any sequence of edits, found by hypothesis.

Each example starts from a fresh copy of the test site, applies a random sequence of
edits (add or remove a citation, change a date, edit a bib entry, delete or restore a
note), and after every edit compares the incremental build with a clean build of the
same sources, page by page.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.html import body_texts
from tests.helpers.paths import ROOTS
from tests.helpers.sphinx import MakeApp, build, warnings_of

pytestmark = pytest.mark.slow  # dozens of real Sphinx builds

NOTES = ["policy", "preferences"]
IDS = ["1502.05477", "1707.06347", "2305.18290"]
TITLES = {  # a word of each bib entry's title, and what an edit may change it to
    "Trust": ["Trusted", "Trust-Region"],
    "Proximal": ["Near", "Proximal-Point"],
    "Direct": ["Straight", "Plain"],
}
DATES = ["2024-07-01", "2024-07-04", "2024-08-15", "2025-01-31"]
_DATE = re.compile(r":(added|updated): \d{4}-\d{2}-\d{2}")

Edit = tuple[str, str, str]

edits = st.one_of(
    st.tuples(st.just("cite"), st.sampled_from(NOTES), st.sampled_from(IDS)),
    st.tuples(st.just("uncite"), st.sampled_from(NOTES), st.just("")),
    st.tuples(st.just("date"), st.sampled_from(NOTES), st.sampled_from(DATES)),
    st.tuples(st.just("bib"), st.sampled_from(list(TITLES)), st.sampled_from(["0", "1"])),
    st.tuples(st.just("delete"), st.sampled_from(NOTES), st.just("")),
    st.tuples(st.just("restore"), st.sampled_from(NOTES), st.just("")),
)


def apply(site: Path, edit: Edit) -> None:
    kind, target, value = edit
    note = site / "notes" / f"{target}.md"
    if kind == "cite":
        note.write_text(note.read_text() + f"\n- and {{arxiv}}`{value}`\n")
    elif kind == "uncite":
        lines = note.read_text().splitlines(keepends=True)
        cited = [i for i, line in enumerate(lines) if "{arxiv}`" in line]
        if cited:
            del lines[cited[-1]]
        note.write_text("".join(lines))
    elif kind == "date":
        note.write_text(_DATE.sub(lambda m: f":{m.group(1)}: {value}", note.read_text(), 1))
    elif kind == "bib":
        bib = site / "refs.bib"
        word = re.compile(rf"(title\s*=\s*\{{)({target}|{'|'.join(TITLES[target])})\b")
        bib.write_text(word.sub(rf"\g<1>{TITLES[target][int(value)]}", bib.read_text(), 1))
    elif kind == "delete":
        note.write_text(note.read_text().splitlines(keepends=True)[0])
    elif kind == "restore":
        shutil.copy(ROOTS / "test-site" / "notes" / f"{target}.md", note)


@pytest.fixture
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A factory of fresh copies: hypothesis runs many examples per test function."""

    def make() -> Path:
        target = tmp_path_factory.mktemp("example") / "site"
        shutil.copytree(ROOTS / "test-site", target)
        return target

    return make


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(edits, min_size=1, max_size=4))
# Every kind of edit at least once, whatever the random draw:
@example([("bib", "Trust", "0"), ("date", "policy", "2025-01-31")])
@example([("cite", "preferences", "1502.05477"), ("uncite", "preferences", "")])
@example([("delete", "policy", ""), ("restore", "policy", "")])
def test_incremental_equals_clean_after_any_edits(
    make_app: MakeApp, fresh_site: Callable[[], Path], sequence: list[Edit]
) -> None:
    site = fresh_site()
    build(make_app, site)
    for step, edit in enumerate(sequence):
        time.sleep(0.01)  # distinct mtimes, so Sphinx sees the change
        apply(site, edit)
        incremental = build(make_app, site)
        clean_copy = site.parent / f"clean{step}"
        shutil.copytree(site, clean_copy, ignore=shutil.ignore_patterns("_build", "papers"))
        clean = build(make_app, clean_copy)
        assert warnings_of(incremental) == ""
        assert body_texts(Path(incremental.outdir)) == body_texts(Path(clean.outdir)), sequence
