"""``exclude_patterns`` matched without Sphinx, exactly as Sphinx matches them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paperrefs.matching import ALWAYS_EXCLUDED, matcher, matching_files, translate
from sphinx.project import EXCLUDE_PATHS
from sphinx.util.matching import _translate_pattern, get_matching_files

PATTERN_CHARS = st.sampled_from([*"ab/*?[]!^.-\\", "**"])
PATH_CHARS = st.sampled_from(list("ab/.-^!]\\"))


@given(st.lists(PATTERN_CHARS, max_size=10).map("".join), st.text(PATH_CHARS, max_size=10))
def test_every_pattern_means_what_it_means_to_sphinx(pattern: str, path: str) -> None:
    assert translate(pattern) == _translate_pattern(pattern)
    ours = re.compile(translate(pattern)).match(path) is not None
    assert ours == (re.compile(_translate_pattern(pattern)).match(path) is not None)


def test_the_folders_sphinx_always_leaves_out_are_the_same() -> None:
    assert list(ALWAYS_EXCLUDED) == EXCLUDE_PATHS


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("drafts", "drafts", True),
        ("drafts", "notes/drafts", False),  # patterns match from the source folder
        ("*.md", "a.md", True),
        ("*.md", "notes/a.md", False),  # * stops at /
        ("**.md", "notes/a.md", True),
        ("**/a.md", "notes/deep/a.md", True),
        ("**/a.md", "a.md", False),  # as in Sphinx's discovery: **/ needs a folder
        ("notes/?.md", "notes/a.md", True),
        ("notes/[!b].md", "notes/a.md", True),
        ("notes/[!b].md", "notes/b.md", False),
    ],
)
def test_glob_semantics(pattern: str, path: str, matches: bool) -> None:
    assert matcher([pattern])(path) is matches


TREE = [
    "index.md",
    "secret.md",
    "notes/a.md",
    "notes/secret.md",
    "notes/deep/b.md",
    "drafts/c.md",
    "drafts/sub/d.md",
    "wip/e.md",
    "wip/sub/f.md",
    "only/g.md",
    "only/sub/h.md",
    "_sources/x.md",
    "notes/_sources/y.md",
    ".#lock.md",
]

PATTERN_SETS = [
    [],
    ["drafts"],
    ["drafts/*"],  # a folder matching is not entered: drafts/sub goes too
    ["wip/*.md"],  # only the files directly in wip/
    ["**/secret.md"],
    ["**secret.md"],
    ["only/**"],
    ["notes/deep", "*.md"],
    ["_build", "Thumbs.db", ".DS_Store"],
]


@pytest.mark.parametrize("exclude", PATTERN_SETS, ids=lambda e: ",".join(e) or "none")
@pytest.mark.parametrize("include", [["**"], ["notes/**", "index.md"]], ids=["all", "some"])
def test_the_files_kept_are_the_files_sphinx_finds(
    tmp_path: Path, exclude: list[str], include: list[str]
) -> None:
    for name in TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    sphinx = sorted(get_matching_files(tmp_path, include, [*exclude, *EXCLUDE_PATHS]))
    assert sorted(matching_files(tmp_path, include, exclude)) == sphinx
