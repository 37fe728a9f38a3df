"""conf.py read without running it: literal values followed in order, the rest refused
with the line and what to write instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paperrefs.conffile import ConfError, read_conf
from paperrefs.location import Location


def conf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_literal_values_as_sphinx_would_see_them(tmp_path: Path) -> None:
    path = conf(
        tmp_path,
        "import os\n"
        "BIB = '../refs/library.bib'\n"
        "bibtex_bibfiles = [BIB, 'other.bib']\n"
        "exclude_patterns: list[str] = ['_build'] + ['drafts']\n"
        "exclude_patterns += ['**/private.md']\n"
        "exclude_patterns.append('wip')\n"
        "exclude_patterns.extend(('old',))\n"
        "exclude_patterns.remove('old')\n"
        "version = release = '1.0'\n"
        "templates_path = [*['_templates']]\n",
    )
    read = read_conf(path)
    assert read.strings("bibtex_bibfiles", ()) == ("../refs/library.bib", "other.bib")
    assert read.strings("exclude_patterns", ()) == ("_build", "drafts", "**/private.md", "wip")
    assert read.string("release", "") == "1.0"
    assert read.strings("templates_path", ()) == ("_templates",)
    assert read.string("paperrefs_papers_dir", "papers") == "papers"  # not set: the default


def test_the_last_assignment_wins_and_del_forgets(tmp_path: Path) -> None:
    read = read_conf(conf(tmp_path, "a = 'x'\na = 'y'\nb = 'z'\ndel b\n"))
    assert read.string("a", "") == "y"
    assert read.string("b", "default") == "default"


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("from pathlib import Path\nbibtex_bibfiles = [str(Path('x.bib'))]\n", 2, "computed by"),
        ("import os\nif os.environ.get('X'):\n    bibtex_bibfiles = ['a.bib']\n", 2, "an if block"),
        ("try:\n    bibtex_bibfiles = ['a.bib']\nexcept ImportError:\n    pass\n", 1, "a try"),
        ("bibtex_bibfiles, other = ['a.bib'], 1\n", 1, "unpacked"),
        ("from shared_conf import *\n", 1, "import *"),
        ("bibtex_bibfiles = ['a.bib']\nbibtex_bibfiles.append(NAME)\n", 2, "changed by"),
    ],
)
def test_a_value_without_a_literal_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int, why: str
) -> None:
    path = conf(tmp_path, text)
    with pytest.raises(ConfError) as raised:
        read_conf(path).strings("bibtex_bibfiles", ())
    assert raised.value.where == Location(path, line)
    assert why in raised.value.message
    assert "reads conf.py without running it" in raised.value.message
    assert "a literal value (a list of strings)" in raised.value.message


def test_a_name_set_after_a_star_import_is_known(tmp_path: Path) -> None:
    read = read_conf(conf(tmp_path, "from shared_conf import *\nbibtex_bibfiles = ['a.bib']\n"))
    assert read.strings("bibtex_bibfiles", ()) == ("a.bib",)


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    path = conf(tmp_path, "bibtex_bibfiles = 'refs.bib'\n")
    with pytest.raises(ConfError, match=r"should be a list of strings, not 'refs\.bib'"):
        read_conf(path).strings("bibtex_bibfiles", ())


def test_invalid_python_is_refused_with_its_line(tmp_path: Path) -> None:
    path = conf(tmp_path, "project = 'x'\nbibtex_bibfiles = ['a.bib'\n")
    with pytest.raises(ConfError) as raised:
        read_conf(path)
    assert raised.value.where.path == path
    assert raised.value.where.line == 2
    assert str(raised.value).startswith(f"{path}:2: conf.py is not valid Python: ")


def test_nothing_in_conf_py_is_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = conf(
        tmp_path,
        f"open({str(marker)!r}, 'w').close()\nimport sphinx\nraise SystemExit(3)\n"
        "bibtex_bibfiles = ['a.bib']\n",
    )
    assert read_conf(path).strings("bibtex_bibfiles", ()) == ("a.bib",)
    assert not marker.exists()


def test_reading_this_repository_s_conf_py_imports_no_sphinx() -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom paperrefs.conffile import read_conf\n"
        "read = read_conf(Path('docs/conf.py'))\n"
        "print(read.strings('bibtex_bibfiles', ()))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')))\n"
    )
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )
    assert result.stdout.splitlines() == ["('../bib/papers.bib',)", "[]"]
