"""The command line finds its site from any folder inside it, takes the bibliography, the
notes and what the build excludes from conf.py, and gives advice that fits each problem.

Every run is a real ``python -m paperrefs`` process with its current folder inside a
temporary site whose conf.py names a bibliography outside the default place and excludes
a folder of notes that holds a bad citation and a bad date.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import NO_SERVER, Run, run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv, Paper

pytestmark = pytest.mark.slow  # the command line as a real process

LIBRARY = """@misc{rafailov2023direct,
  title = {Direct Preference Optimization},
  author = {Rafael Rafailov and Archit Sharma},
  year = {2023},
  eprint = {2305.18290},
  archiveprefix = {arXiv},
  doi = {10.48550/arXiv.2305.18290},
  url = {https://arxiv.org/abs/2305.18290}
}

@book{sutton2018reinforcement,
  title = {Reinforcement Learning: An Introduction},
  author = {Richard S. Sutton and Andrew G. Barto},
  year = {2018}
}
"""

CONF = """project = "Notes"
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["../refs/library.bib"]
exclude_patterns = ["_build", "drafts"]
"""

INDEX = """# Notes

## DPO
```{paper} 2305.18290
:added: 2024-07-04
```
- policy gradients need a baseline, see {cite:t}`sutton2018reinforcement`
"""

DRAFT = """# Draft

## PPO
```{paper} 1707.06347
:added: 2024-13-01
```
- as in {cite}`nosuchkey`
"""

PPO = Paper(title="Proximal Policy Optimization Algorithms", authors=("John Schulman",))


def paperrefs(args: list[str], cwd: Path, api_url: str = NO_SERVER) -> Run:
    return run_paperrefs(args, cwd, api_url)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def top(tmp_path: Path) -> Path:
    """A repository whose site is in docs/ and whose bibliography is refs/library.bib."""
    root = tmp_path / "work"
    (root / ".git").mkdir(parents=True)
    write(root / "refs" / "library.bib", LIBRARY)
    write(root / "docs" / "conf.py", CONF)
    write(root / "docs" / "index.md", INDEX)
    write(root / "docs" / "notes" / "more.md", "# More\n\nAgain {arxiv}`2305.18290`.\n")
    write(root / "docs" / "drafts" / "ppo.md", DRAFT)
    return root


# Finding the site


def test_check_from_the_top_uses_conf_py_s_bib_and_skips_the_excluded_folder(top: Path) -> None:
    result = paperrefs(["check"], top)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "using docs/conf.py: bibliography refs/library.bib, notes in docs",
        "0 error(s), 0 warning(s) in refs/library.bib and docs",
    ]


def test_check_from_a_nested_folder_finds_the_same_site(top: Path) -> None:
    result = paperrefs(["check"], top / "docs" / "notes")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "using ../conf.py: bibliography ../../refs/library.bib, notes in .."
    )


def test_the_excluded_folder_is_checked_when_it_is_the_docs_given(top: Path) -> None:
    result = paperrefs(["check", "--docs", "docs/drafts", "--bib", "refs/library.bib"], top)
    assert result.returncode == 2
    report = result.stderr
    assert report.startswith(
        "no conf.py in docs/drafts; using bibliography refs/library.bib (from --bib), "
        "notes in docs/drafts\n"
    )
    draft = Path("docs/drafts/ppo.md")
    assert f"{draft}:4: error: :added: '2024-13-01' is not a date of the form YYYY-MM-DD" in report
    assert f"{draft}:7: error: 'nosuchkey' is cited but is not a key of refs/library.bib" in report


def test_bib_overrides_conf_py(top: Path) -> None:
    write(top / "refs" / "other.bib", LIBRARY.split("@book")[0])
    result = paperrefs(["check", "--bib", "refs/other.bib"], top)
    assert result.returncode == 2
    assert "bibliography refs/other.bib (from --bib), notes in docs" in result.stderr
    assert "'sutton2018reinforcement' is cited but is not a key of refs/other.bib" in result.stderr


def test_a_conf_py_that_raises_is_read_not_run(top: Path) -> None:
    conf = top / "docs" / "conf.py"
    conf.write_text(
        CONF + "import missing_module\nopen('ran', 'w').close()\nraise RuntimeError('boom')\n",
        encoding="utf-8",
    )
    result = paperrefs(["check"], top)
    assert result.returncode == 0, result.stderr
    assert not (top / "docs" / "ran").exists()
    assert not (top / "ran").exists()


def test_a_conf_py_that_is_not_python_is_a_clear_error(top: Path) -> None:
    (top / "docs" / "conf.py").write_text(CONF + "exclude_patterns = [\n", encoding="utf-8")
    result = paperrefs(["check"], top)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {Path('docs/conf.py')}:5: conf.py is not valid Python")


def test_a_computed_bibliography_is_refused_with_advice_and_bib_gets_past_it(top: Path) -> None:
    conf = top / "docs" / "conf.py"
    conf.write_text(
        CONF.replace('["../refs/library.bib"]', '[str(HERE / "../refs/library.bib")]'),
        encoding="utf-8",
    )
    result = paperrefs(["check"], top)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {Path('docs/conf.py')}:3: bibtex_bibfiles is computed by "
        "`[str(HERE / '../refs/library.bib')]`; paperrefs reads conf.py without running "
        "it, so it needs bibtex_bibfiles as a literal value (a list of strings); or pass "
        "--bib PATH"
    )
    assert paperrefs(["check", "--bib", "refs/library.bib"], top).returncode == 0


def test_a_tool_paperrefs_table_points_to_a_site_elsewhere(top: Path) -> None:
    shutil.move(top / "docs", top / "site")
    write(top / "pyproject.toml", '[tool.paperrefs]\ndocs = "site"\n')
    result = paperrefs(["check"], top)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "using site/conf.py (from [tool.paperrefs] in pyproject.toml): "
        "bibliography refs/library.bib, notes in site"
    )


def test_without_conf_py_the_defaults_are_used_and_said(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "bib" / "papers.bib", LIBRARY)
    write(tmp_path / "docs" / "index.md", INDEX.replace("{cite:t}", "{arxiv}`2305.18290` "))
    result = paperrefs(["check"], tmp_path)
    assert result.stderr.splitlines()[0] == (
        "no conf.py found here or in a parent folder, nor in a docs/ folder of one; using "
        "bibliography bib/papers.bib, notes in docs (the defaults; choose with --bib and --docs)"
    )
    assert "0 error(s), 1 warning(s) in bib/papers.bib and docs" in result.stderr


def test_sync_fetches_only_what_the_build_reads(arxiv: FakeArxiv, top: Path) -> None:
    arxiv.add("1707.06347", version=2, paper=PPO)
    write(top / "docs" / "notes" / "ppo.md", "# PPO\n\n{arxiv}`1707.06347`\n")
    result = paperrefs(["sync"], top / "docs", arxiv.url)
    assert result.returncode == 0, result.stderr
    assert arxiv.asked == ["1707.06347"]  # not the drafts' IDs
    assert "@misc{schulman2017proximal," in (top / "refs" / "library.bib").read_text()
    assert "2 arXiv paper(s) cited; 1 added to ../refs/library.bib" in result.stderr


# A missing bibliography: what add does is what the build and check say


def test_add_creates_a_missing_bib_in_an_existing_folder_as_check_says(
    arxiv: FakeArxiv, top: Path
) -> None:
    arxiv.add("1707.06347", version=2, paper=PPO)
    (top / "refs" / "library.bib").unlink()
    check = paperrefs(["check"], top)
    assert check.returncode == 2
    assert (
        "refs/library.bib: error: the bibliography does not exist\n"
        "  hint: `paperrefs add ID` creates it\n"
    ) in check.stderr
    add = paperrefs(["add", "1707.06347"], top / "docs" / "notes", arxiv.url)
    assert add.returncode == 0, add.stderr
    assert add.stdout == "schulman2017proximal\n"
    assert "created ../../refs/library.bib" in add.stderr
    assert (top / "refs" / "library.bib").exists()


def test_add_refuses_a_missing_folder_with_the_advice_check_gives(
    arxiv: FakeArxiv, top: Path
) -> None:
    asked = arxiv.asked
    shutil.rmtree(top / "refs")
    add = paperrefs(["add", "1707.06347"], top, arxiv.url)
    assert add.returncode == 2
    assert add.stderr.splitlines()[-1] == (
        "error: refs/library.bib: folder refs does not exist; create it, then "
        "`paperrefs add ID` creates the file (paperrefs does not create folders)"
    )
    assert asked == []
    assert not (top / "refs").exists()
    check = paperrefs(["check"], top)
    assert (
        "  hint: its folder refs does not exist either: create it, then `paperrefs add ID` "
        "creates the file\n"
    ) in check.stderr


# Advice that fits the case


def check_with_index(top: Path, body: str) -> str:
    write(top / "docs" / "index.md", INDEX + body)
    result = paperrefs(["check"], top)
    assert result.returncode == 2
    return result.stderr


def test_a_key_one_typo_off_gets_a_did_you_mean(top: Path) -> None:
    report = check_with_index(top, "- and {cite}`rafailov2023drect`\n")
    assert (
        f"{Path('docs/index.md')}:8: error: 'rafailov2023drect' is cited but is not a key of "
        "refs/library.bib\n  hint: did you mean rafailov2023direct?\n"
    ) in report


def test_an_arxiv_id_one_typo_off_a_known_one_gets_a_did_you_mean(top: Path) -> None:
    report = check_with_index(top, "- and {arxiv}`2305.18209`\n")
    assert (
        f"{Path('docs/index.md')}:8: error: arXiv:2305.18209 is cited but not in "
        "refs/library.bib; run paperrefs sync\n"
        "  hint: did you mean arXiv:2305.18290 (rafailov2023direct), which the bib has?\n"
    ) in report


def test_a_key_of_no_known_entry_is_told_how_to_write_one_not_to_run_add(top: Path) -> None:
    report = check_with_index(top, "- and {cite}`knuth1984literate`\n")
    assert "'knuth1984literate' is cited but is not a key of refs/library.bib\n" in report
    hint = report.split("'knuth1984literate' is cited", 1)[1].splitlines()[1]
    assert hint == (
        "  hint: a key is not an arXiv ID, so paperrefs cannot fetch it: for a paper that is "
        "not on arXiv, cite its DOI and run `paperrefs add DOI`, or write its entry by hand in "
        "refs/library.bib, with this key, a title, author and year, as in "
        "@article{knuth1984literate, title = {...}, author = {...}, year = {...}}"
    )
    assert "paperrefs add ID" not in hint


def test_a_malformed_id_given_to_the_paper_directive_is_not_called_a_key(top: Path) -> None:
    report = check_with_index(top, "\n## Again\n```{paper} 2305.1829\n:added: 2024-07-04\n```\n")
    assert (
        f"{Path('docs/index.md')}:10: error: '2305.1829' is neither a key of refs/library.bib "
        "nor an arXiv ID (IDs from 2023 have 5-digit numbers)\n"
        "  hint: did you mean arXiv:2305.18290 (rafailov2023direct), which the bib has?\n"
    ) in report


def test_an_unknown_option_of_the_paper_directive_gets_a_did_you_mean(top: Path) -> None:
    write(top / "docs" / "index.md", INDEX.replace(":added:", ":add:"))
    report = paperrefs(["check"], top).stderr
    assert (
        f"{Path('docs/index.md')}:4: error: the paper directive has no option :add:\n"
        "  hint: did you mean :added:?\n"
    ) in report
    assert "needs an :added: date" in report


def test_a_broken_entry_is_shown_with_the_line_to_fix(top: Path) -> None:
    bib = top / "refs" / "library.bib"
    bib.write_text(LIBRARY.replace("{Reinforcement Learning: An Introduction}", "{RL"), "utf-8")
    report = paperrefs(["check"], top).stderr
    assert "refs/library.bib:11: error: cannot read the block starting `@book{sutton2018" in report
    assert (
        "  hint: the brace opened on this line is never closed: line 12: `title = {RL,`; until "
        "it is fixed, paperrefs add and sync refuse the file and a build leaves the entry out\n"
    ) in report


def test_an_id_arxiv_does_not_know_is_named_where_it_is_cited(arxiv: FakeArxiv, top: Path) -> None:
    note = write(top / "docs" / "notes" / "typo.md", "# Typo\n\nSee {arxiv}`2401.99999`.\n")
    result = paperrefs(["sync"], top, arxiv.url)
    assert result.returncode == 1
    where = note.relative_to(top)
    assert (
        f"{where}:3: error: arXiv has no paper 2401.99999; check the ID for a typo"
        in result.stderr.splitlines()
    )
    add = paperrefs(["add", "2401.99999"], top, arxiv.url)
    assert add.returncode == 1
    assert "error: arXiv has no paper 2401.99999; check the ID for a typo" in add.stderr
