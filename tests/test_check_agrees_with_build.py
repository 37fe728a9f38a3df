"""``paperrefs check`` and a ``-W`` build agree on the dates of paper directives.

For each input both run for real: the command line as a process in the site, and
``python -m sphinx -W``. A bad date fails both, with the same messages at the same lines;
good dates pass both.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run_paperrefs

pytestmark = pytest.mark.slow  # real Sphinx builds beside the command line

REPO = Path(__file__).resolve().parent.parent
BIB = (REPO / "tests" / "roots" / "test-site" / "refs.bib").read_text(encoding="utf-8")
CONF = """project = "Dates"
author = "Tester"
extensions = ["myst_parser", "paperrefs"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
exclude_patterns = ["_build"]
"""
INDEX_HEAD = "# Notes\n\n```{toctree}\nold\n```\n\n"
OLD_HEAD = "Old notes\n=========\n\n"
MESSAGE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?:WARNING|error): (?P<message>.+)$")
DATE_MESSAGE = re.compile(r":added:|:updated:")


def myst(fence: str, arxiv_id: str, *options: str) -> str:
    return (
        f"## A note\n{fence}{{paper}} {arxiv_id}\n"
        + "".join(f"{option}\n" for option in options)
        + f"{fence}\n- a bullet\n\n"
    )


def rst(arxiv_id: str, *options: str) -> str:
    return f".. paper:: {arxiv_id}\n" + "".join(f"   {option}\n" for option in options) + "\n"


# Each case: the MyST of index.md and the rST of old.rst, after their headings.
GOOD = {
    "backtick-fence": (
        myst("```", "2305.18290", ":added: 2024-07-04", ":updated: 2024-08-01, 2024-07-04"),
        "",
    ),
    "colon-fence-quoted": (myst(":::", "1707.06347", ":added: '2024-07-04'"), ""),
    "yaml-block": (myst("```", "2305.18290", "---", "added: 2024-07-04", "---"), ""),
    "rst-field-list": ("", rst("1502.05477", ":added: 2024-07-04", ":updated: 2024-07-05")),
}
BAD = {
    "added-missing": (myst("```", "2305.18290", ":updated: 2024-08-01"), ""),
    "added-malformed": (myst("```", "2305.18290", ":added: 2024-7-4"), ""),
    "added-not-a-day": (myst(":::", "1707.06347", ":added: 2023-02-29"), ""),
    "added-empty": (myst("```", "2305.18290", ":added:"), ""),
    "options-after-a-blank-line": (myst("```", "2305.18290", "", ":added: 2024-07-04"), ""),
    "updated-before-added": (
        myst(":::", "1707.06347", ":added: 2024-07-04", ":updated: 2024-08-01, 2024-07-01"),
        "",
    ),
    "updated-one-part-bad": (
        myst("```", "2305.18290", ":added: 2024-07-04", ":updated: 2024-08-01, soon"),
        "",
    ),
    "rst-quoted": ("", rst("1502.05477", ':added: "2024-07-04"')),
    "rst-out-of-order": ("", rst("1502.05477", ":added: 2024-07-04", ":updated: 2024-01-01")),
    "two-notes-one-bad": (
        myst("```", "2305.18290", ":added: 2024-07-04"),
        rst("1502.05477", ":added: 2024-02-30"),
    ),
}


def make_site(root: Path, index: str, old: str) -> Path:
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "index.md").write_text(INDEX_HEAD + index, encoding="utf-8")
    (root / "old.rst").write_text(OLD_HEAD + old, encoding="utf-8")
    return root


def check(site: Path) -> tuple[int, set[tuple[str, int, str]]]:
    result = run_paperrefs(["check"], site)
    return result.returncode, date_messages(result.stderr, site)


def build(site: Path) -> tuple[int, set[tuple[str, int, str]]]:
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += [str(site), str(site / "_build" / "html")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)
    dates = "\n".join(line for line in warnings.splitlines() if "[paperrefs.date]" in line)
    return result.returncode, date_messages(dates.replace(" [paperrefs.date]", ""), site)


def date_messages(output: str, site: Path) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        match = MESSAGE.match(line)
        if match and DATE_MESSAGE.search(match["message"]):
            path = Path(match["path"])
            name = str(path.relative_to(site) if path.is_absolute() else path)
            found.add((name, int(match["line"]), match["message"]))
    return found


@pytest.mark.parametrize("case", sorted(GOOD))
def test_good_dates_pass_both(tmp_path: Path, case: str) -> None:
    site = make_site(tmp_path / "site", *GOOD[case])
    checked, built = check(site), build(site)
    assert checked == (0, set())
    assert built == (0, set())


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_dates_fail_both_with_the_same_messages_at_the_same_lines(
    tmp_path: Path, case: str
) -> None:
    site = make_site(tmp_path / "site", *BAD[case])
    (check_code, check_dates), (build_code, build_dates) = check(site), build(site)
    assert check_code == 2
    assert build_code != 0
    assert check_dates
    assert check_dates == build_dates


def test_the_build_s_advice_about_a_missing_bib_folder_is_what_add_does(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", myst("```", "2305.18290", ":added: 2024-07-04"), "")
    conf = site / "conf.py"
    conf.write_text(CONF.replace('["refs.bib"]', '["../nowhere/refs.bib"]'), encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site), str(tmp_path / "o")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    missing = tmp_path / "nowhere" / "refs.bib"
    assert (
        f"{missing} does not exist; its folder {missing.parent} does not exist either: create "
        "it, then `paperrefs add ID` creates the file" in result.stderr
    )
