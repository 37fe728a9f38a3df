"""Finding the site a command works on, and taking from its conf.py what a build takes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from paperrefs.conffile import ConfError
from paperrefs.environment import Environment
from paperrefs.project import DEFAULT_PAPERS_DIR, Found, find_conf, resolve
from paperrefs.sphinxext.settings import SETTINGS, Settings


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def top(tmp_path: Path) -> Iterator[Path]:
    """A repository: its top folder holds .git, the commands run somewhere inside."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    here = Path.cwd()
    yield root
    os.chdir(here)


def test_conf_py_is_found_from_any_folder_inside_the_site(top: Path) -> None:
    conf = write(top / "site" / "conf.py")
    (top / "site" / "notes" / "deep").mkdir(parents=True)
    for start in (top / "site", top / "site" / "notes", top / "site" / "notes" / "deep"):
        assert find_conf(start) == Found(conf)


def test_from_the_top_the_docs_folder_is_looked_in(top: Path) -> None:
    conf = write(top / "docs" / "conf.py")
    (top / "scripts").mkdir()
    assert find_conf(top) == Found(conf)
    assert find_conf(top / "scripts") == Found(conf)


def test_a_conf_py_in_the_folder_itself_wins_over_its_docs_folder(top: Path) -> None:
    conf = write(top / "conf.py")
    write(top / "docs" / "conf.py")
    assert find_conf(top) == Found(conf)


def test_pyproject_points_to_a_conf_py_elsewhere_and_wins_in_its_folder(top: Path) -> None:
    write(top / "pyproject.toml", '[project]\nname = "x"\n\n[tool.paperrefs]\ndocs = "site/src"\n')
    conf = write(top / "site" / "src" / "conf.py")
    write(top / "docs" / "conf.py")
    os.chdir(top)
    assert find_conf(top) == Found(conf, via="[tool.paperrefs] in pyproject.toml")


def test_a_pyproject_without_the_table_is_passed_by(top: Path) -> None:
    write(top / "pyproject.toml", '[project]\nname = "x"\n')
    conf = write(top / "docs" / "conf.py")
    assert find_conf(top) == Found(conf)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('docs = "nowhere"', "but nowhere/conf.py is missing"),
        ('doc = "site"', "unknown: doc"),
        ("docs = 3", "docs must name the folder of conf.py"),
    ],
)
def test_a_wrong_tool_paperrefs_table_is_refused(top: Path, table: str, message: str) -> None:
    write(top / "pyproject.toml", f"[tool.paperrefs]\n{table}\n")
    os.chdir(top)
    with pytest.raises(ConfError, match=message):
        find_conf(top)


def test_the_walk_stops_at_the_top_of_the_repository(top: Path) -> None:
    write(top.parent / "conf.py")  # someone else's site, outside this repository
    write(top.parent / "docs" / "conf.py")
    assert find_conf(top) is None


def site(top: Path, conf: str) -> Path:
    write(top / "docs" / "conf.py", conf)
    (top / "docs" / "notes").mkdir(parents=True, exist_ok=True)
    return top / "docs"


def test_the_project_takes_bib_source_papers_and_excludes_from_conf_py(top: Path) -> None:
    site(
        top,
        "bibtex_bibfiles = ['../refs/library.bib']\nexclude_patterns = ['_build', 'drafts']\n"
        "paperrefs_papers_dir = 'refs'\ntemplates_path = ['_templates']\n",
    )
    os.chdir(top / "docs" / "notes")
    project = resolve(None, None)
    assert project.bib == Path("../../refs/library.bib")
    assert project.docs == Path("..")
    assert project.papers_dir == "refs"
    assert project.exclude == ("_build", "drafts", "_templates")
    assert project.describe(with_docs=True) == (
        "using ../conf.py: bibliography ../../refs/library.bib, notes in .."
    )


def test_paperrefs_bibfile_wins_over_bibtex_bibfiles(top: Path) -> None:
    os.chdir(top)
    site(top, "paperrefs_bibfile = 'mine.bib'\nbibtex_bibfiles = ['theirs.bib']\n")
    assert resolve(None, None).bib == Path("docs/mine.bib")


def test_options_override_conf_py(top: Path) -> None:
    site(top, "bibtex_bibfiles = ['../refs/library.bib']\nexclude_patterns = ['drafts']\n")
    other = site(top / "other", "bibtex_bibfiles = ['other.bib']\nexclude_patterns = ['old']\n")
    os.chdir(top)
    project = resolve(Path("x.bib"), None)
    assert (project.bib, project.docs, project.exclude) == (
        Path("x.bib"),
        Path("docs"),
        ("drafts",),
    )
    assert "bibliography x.bib (from --bib)" in project.describe(with_docs=True)
    project = resolve(None, Path("other/docs"))
    assert (project.bib, project.docs, project.exclude) == (
        Path("other/docs/other.bib"),
        Path("other/docs"),
        ("old",),
    )
    assert other.is_dir()


def test_without_conf_py_the_defaults_and_a_clear_word_about_them(top: Path) -> None:
    os.chdir(top)
    project = resolve(None, None)
    assert (project.bib, project.docs, project.exclude) == (
        Path("bib/papers.bib"),
        Path("docs"),
        (),
    )
    assert project.describe(with_docs=True) == (
        "no conf.py found here or in a parent folder, nor in a docs/ folder of one; using "
        "bibliography bib/papers.bib, notes in docs (the defaults; choose with --bib and --docs)"
    )
    assert resolve(None, None, notes=False).describe(with_docs=False) == (
        "no conf.py found here or in a parent folder, nor in a docs/ folder of one; using "
        "bibliography bib/papers.bib (the defaults; choose with --bib)"
    )
    assert resolve(None, Path("notes")).describe(with_docs=True) == (
        "no conf.py in notes; using bibliography bib/papers.bib, notes in notes "
        "(the defaults; choose with --bib and --docs)"
    )


def test_a_conf_py_without_a_bibliography_needs_bib(top: Path) -> None:
    os.chdir(top)
    site(top, "project = 'x'\n")
    with pytest.raises(ConfError, match="names no bibliography: set paperrefs_bibfile"):
        resolve(None, None)
    assert resolve(Path("b.bib"), None).bib == Path("b.bib")


def test_a_command_that_reads_only_the_bib_needs_nothing_else_from_conf_py(top: Path) -> None:
    os.chdir(top)
    site(top, "bibtex_bibfiles = ['a.bib']\nexclude_patterns = compute()\n")
    with pytest.raises(ConfError, match="exclude_patterns is computed by `compute\\(\\)`"):
        resolve(None, None)
    assert resolve(None, None, notes=False).bib == Path("docs/a.bib")


def test_a_papers_dir_outside_the_docs_is_replaced_as_the_build_replaces_it(top: Path) -> None:
    os.chdir(top)
    site(top, "bibtex_bibfiles = ['a.bib']\npaperrefs_papers_dir = '../papers'\n")
    project = resolve(None, None)
    assert project.papers_dir == "papers"
    assert "paperrefs_papers_dir '../papers' must be a folder inside the docs" in project.notes[0]


def extension_settings(confdir: Path, **values: object) -> Settings:
    defaults = {declared.name: declared.default for declared in SETTINGS}
    sphinx_values = {"bibtex_bibfiles": [], "html_title": "", "project": "x", "html_baseurl": ""}
    config = SimpleNamespace(**{**defaults, **sphinx_values, "author": "", **values})
    settings, _ = Settings.from_config(config, confdir, Environment.read({}))  # type: ignore[arg-type]
    return settings


@pytest.mark.parametrize(
    "values",
    [
        {"bibtex_bibfiles": ["../bib/papers.bib"]},
        {"bibtex_bibfiles": ["refs.bib", "other.bib"], "paperrefs_papers_dir": "refs"},
        {"paperrefs_bibfile": "mine.bib", "bibtex_bibfiles": ["theirs.bib"]},
        {"paperrefs_bibfile": "", "bibtex_bibfiles": ["sub/theirs.bib"]},
        {"bibtex_bibfiles": ["a.bib"], "paperrefs_papers_dir": "/abs"},
    ],
)
def test_the_command_line_takes_the_bib_and_papers_dir_the_extension_takes(
    top: Path, values: dict[str, object]
) -> None:
    docs = site(top, "".join(f"{name} = {value!r}\n" for name, value in values.items()))
    os.chdir(top)
    project = resolve(None, None)
    settings = extension_settings(docs.resolve(), **values)
    assert (top / project.bib).resolve() == settings.bib_path
    assert project.papers_dir == settings.papers_dir


def test_the_default_papers_dir_is_the_extension_s() -> None:
    declared = {declared.name: declared.default for declared in SETTINGS}
    assert declared["paperrefs_papers_dir"] == DEFAULT_PAPERS_DIR
