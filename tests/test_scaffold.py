"""``paperrefs init``: a site that builds at once, never written over anything.

The command runs as a real process; the arXiv API is a local server. Right after ``init``,
``paperrefs add`` and ``paperrefs check`` work in the new folder and Sphinx builds it with
warnings as errors, as HTML, EPUB and LaTeX (the formats Read the Docs builds).
"""

from __future__ import annotations

import ast
import json
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from paperrefs import scaffold
from paperrefs.bibfile import read_bib
from paperrefs.fetching import add_papers

from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv
from tests.helpers.new_site import BERT, BERT_ID, NOTE
from tests.helpers.paths import REPO, require_tool

pytestmark = pytest.mark.slow  # the command line as a real process; real Sphinx builds

SITE_PATHS = [file.path for file in scaffold.SITE_FILES]

HOSTILE_TITLE = 'Ann\'s "notes" \\ on {arxiv}`x` <b>#1</b> & $x$ — Łódź 東京 ✓ #'
HOSTILE_AUTHOR = 'Zoë d\'Arc \\\\ "Ünal" 李'


def sphinx(site: Path, builder: str) -> subprocess.CompletedProcess[str]:
    out = site / "docs" / "_build"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder]
    command += ["-d", str(out / "doctrees"), str(site / "docs"), str(out / builder)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def listing(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_init_writes_the_site_files_and_says_what_next(tmp_path: Path) -> None:
    result = run_paperrefs(["init", "mynotes"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(listing(tmp_path / "mynotes")) == sorted(SITE_PATHS)
    assert sorted(SITE_PATHS) == [  # what the quickstart and the site's README describe
        ".gitignore",
        ".readthedocs.yaml",
        "README.md",
        "bib/papers.bib",
        "docs/changelog.md",
        "docs/conf.py",
        "docs/index.md",
        "docs/notes/transformers.md",
        "docs/references.md",
        "requirements.txt",
    ]
    for name in SITE_PATHS:
        assert f"  {name}\n" in result.stderr
    assert "cd mynotes" in result.stderr


@pytest.mark.parametrize("url", [None, "https://notes.example.org/me"])
def test_right_after_init_add_check_and_every_format_pass(
    arxiv: FakeArxiv, tmp_path: Path, url: str | None
) -> None:
    arxiv.add(BERT_ID, version=2, paper=BERT)
    options = ["--url", url] if url else []
    assert run_paperrefs(["init", "site", *options], tmp_path).returncode == 0
    site = tmp_path / "site"

    # The example note's paper is in the seeded bib: nothing is asked for it.
    again = run_paperrefs(["add", "1706.03762"], site, arxiv.url)
    assert (again.returncode, again.stdout, arxiv.asked) == (0, "vaswani2017attention\n", [])
    added = run_paperrefs(["add", BERT_ID], site, arxiv.url)
    assert (added.returncode, added.stdout) == (0, "devlin2018bert\n"), added.stderr
    with (site / "docs" / "notes" / "transformers.md").open("a", encoding="utf-8") as page:
        page.write(NOTE)
    check = run_paperrefs(["check", "--bib", "bib/papers.bib", "--docs", "docs"], site)
    assert check.returncode == 0, check.stderr
    assert "0 error(s), 0 warning(s)" in check.stderr

    for builder in ("html", "epub", "latex"):
        build = sphinx(site, builder)
        assert build.returncode == 0, f"{builder}: {build.stderr}"
    html = site / "docs" / "_build" / "html"
    for key in ("vaswani2017attention", "devlin2018bert"):
        assert (html / "papers" / f"{key}.html").is_file()
    seeded = (html / "papers" / "vaswani2017attention.html").read_text(encoding="utf-8")
    assert "Attention Is All You Need" in seeded
    assert "Vaswani" in seeded
    changelog = (html / "changelog.html").read_text(encoding="utf-8")
    assert "BERT" in changelog
    assert "Attention Is All You Need" in changelog
    # The feed needs the site's address: written with one, skipped (silently) without.
    assert (html / "feed.xml").is_file() == bool(url)
    if url:
        assert f'href="{url}/notes/transformers.html' in (html / "feed.xml").read_text()
    # So does the sitemap, which lists the paper pages too; link previews and the favicon
    # need nothing.
    assert (html / "sitemap.xml").is_file() == bool(url)
    if url:
        sitemap = (html / "sitemap.xml").read_text(encoding="utf-8")
        assert f"<loc>{url}/papers/devlin2018bert.html</loc>" in sitemap
    page = BeautifulSoup(seeded, "html.parser")
    preview = page.find("meta", attrs={"property": "og:description"})
    assert preview is not None
    assert str(preview["content"]).startswith("Attention Is All You Need — Ashish Vaswani")
    icon = page.find("link", rel="icon")
    assert icon is not None
    assert (html / "papers" / str(icon["href"])).resolve().is_file()


@pytest.mark.parametrize("name", SITE_PATHS)
def test_a_folder_holding_any_of_its_files_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    site = tmp_path / "site"
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text("mine\n", encoding="utf-8")
    before = listing(site)
    result = run_paperrefs(["init", "site"], tmp_path)
    assert result.returncode == 2
    assert f"already holds {name}; nothing was written" in result.stderr
    assert listing(site) == before
    assert sorted(path.relative_to(site).as_posix() for path in site.rglob("*")) == sorted(
        {name, *(parent.as_posix() for parent in Path(name).parents if parent != Path())}
    )


def test_every_existing_file_is_named_at_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "README.md").write_text("mine\n", encoding="utf-8")
    (site / "docs" / "conf.py").write_text("mine\n", encoding="utf-8")
    (site / ".gitignore").symlink_to(tmp_path / "nowhere")  # a dangling link counts too
    result = run_paperrefs(["init", "site"], tmp_path)
    assert result.returncode == 2
    assert "already holds .gitignore, README.md, docs/conf.py; nothing was written" in (
        result.stderr
    )
    assert not (tmp_path / "nowhere").exists()


def test_a_file_where_a_folder_must_go_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "docs").write_text("mine\n", encoding="utf-8")
    result = run_paperrefs(["init", "site"], tmp_path)
    assert result.returncode == 2
    assert "docs (a file where a folder must go)" in result.stderr
    assert listing(site) == {"docs": b"mine\n"}
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    result = run_paperrefs(["init", "plain"], tmp_path)
    assert result.returncode == 2
    assert "plain exists and is not a folder" in result.stderr


def test_unrelated_files_in_the_folder_are_kept(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (site / "LICENSE").write_text("mine\n", encoding="utf-8")
    (site / "docs" / "notes").mkdir(parents=True)  # empty folders of the site are fine
    assert run_paperrefs(["init", "site"], tmp_path).returncode == 0
    files = listing(site)
    assert files[".git/HEAD"] == b"ref: refs/heads/main\n"
    assert files["LICENSE"] == b"mine\n"
    assert sorted(files) == sorted([*SITE_PATHS, ".git/HEAD", "LICENSE"])


def test_a_failure_while_writing_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    real_open = Path.open

    def open_or_fail(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == "index.md":  # after README.md, the bib, docs/conf.py ...
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_or_fail)
    with pytest.raises(scaffold.InitError, match=r"No space left.*nothing was left behind"):
        scaffold.init_site(site, scaffold.site_options(added=date(2026, 1, 2)))
    # Only what was there before: the empty docs/ folder.
    assert sorted(path.relative_to(site).as_posix() for path in site.rglob("*")) == ["docs"]


def test_titles_and_authors_of_any_text_make_valid_files(tmp_path: Path) -> None:
    args = ["init", "site", "--title", HOSTILE_TITLE, "--author", HOSTILE_AUTHOR]
    assert run_paperrefs(args, tmp_path).returncode == 0
    site = tmp_path / "site"
    conf = (site / "docs" / "conf.py").read_text(encoding="utf-8")
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(conf).body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
    }
    assert values["project"] == HOSTILE_TITLE
    assert values["author"] == HOSTILE_AUTHOR
    assert values["copyright"].endswith(f", {HOSTILE_AUTHOR}")
    settings = yaml.safe_load((site / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert settings["sphinx"] == {
        "configuration": "docs/conf.py",
        "builder": "html",
        "fail_on_warning": True,
    }
    assert settings["formats"] == ["pdf", "epub"]

    for builder in ("html", "epub", "latex"):
        build = sphinx(site, builder)
        assert build.returncode == 0, f"{builder}: {build.stderr}"
    page = BeautifulSoup(
        (site / "docs" / "_build" / "html" / "index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    heading = page.select_one("article h1")
    assert heading is not None
    # Every character reads as typed; only Sphinx's typographic quotes differ.
    shown = heading.get_text().removesuffix("#")
    assert re.sub("[“”]", '"', shown.replace("’", "'")) == HOSTILE_TITLE
    assert heading.find("b") is None


@pytest.mark.tex
def test_the_pdf_of_a_site_with_accented_names_builds(tmp_path: Path) -> None:
    """pdflatex, Read the Docs' PDF engine, and Latin-script names (see conf.py for others)."""
    latexmk = require_tool("latexmk")
    args = [
        "init",
        "site",
        "--title",
        "Łódź — notes & “quotes” \\ $x$",
        "--author",
        "Zoë d'Arc \\\\ Ünal",
    ]
    assert run_paperrefs(args, tmp_path).returncode == 0
    site = tmp_path / "site"
    assert sphinx(site, "latex").returncode == 0
    latex = site / "docs" / "_build" / "latex"
    (tex,) = latex.glob("*.tex")
    command = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name]
    result = subprocess.run(command, cwd=latex, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert tex.with_suffix(".pdf").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--title", "two\nlines", "must be one line"),
        ("--title", "  ", "the title is empty"),
        ("--author", "tab\there", "must be one line"),
        ("--url", "ftp://example.org/", "not an absolute http(s) address"),
        ("--url", "example.org/notes", "not an absolute http(s) address"),
        ("--url", "https://example.org/?page=1", "without ? or #"),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = run_paperrefs(["init", "site", option, value], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "site").exists()


def test_interactive_without_a_terminal_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paperrefs", "init", "site", "--interactive"],
        input="My notes\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--interactive needs a terminal" in result.stderr
    assert not (tmp_path / "site").exists()


def test_interactive_asks_on_a_terminal_for_what_options_did_not_give(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "paperrefs", "init", "site", "-i", "--author", "Ann"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        # The title, then a bad URL (asked again), then a good one.
        os.write(controller, "Zoë's notes\nftp://bad.example/\nhttps://zoe.example.org\n".encode())
        _, errors = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert process.returncode == 0, errors
    assert "Title [Paper notes]: " in errors
    assert "Author" not in errors.split("wrote a notes site")[0]  # given as an option
    assert errors.count("Site URL") == 2
    conf = (tmp_path / "site" / "docs" / "conf.py").read_text(encoding="utf-8")
    assert 'project = "Zoë\'s notes"' in conf
    assert "author = 'Ann'" in conf
    assert "'https://zoe.example.org/'" in conf


@pytest.mark.parametrize(
    ("record", "line"),
    [
        (
            {
                "url": "https://tok:secret@github.com/me/paperrefs.git",
                "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567"},
            },
            "paperrefs @ git+https://github.com/me/paperrefs.git"
            "@0123456789abcdef0123456789abcdef01234567",
        ),
        ({"url": "file:///home/me/paperrefs", "dir_info": {"editable": True}}, None),
        ({"url": "file:///tmp/paperrefs-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "ssh://git@host/me/paperrefs.git", "vcs_info": {"vcs": "git"}}, None),
        ("not json", None),
        ("", None),
    ],
)
def test_the_requirement_names_a_source_read_the_docs_can_install_from(
    record: object, line: str | None
) -> None:
    text = record if isinstance(record, str) else json.dumps(record)
    default = f"paperrefs @ git+{scaffold.REPOSITORY}.git@v{scaffold.paperrefs.__version__}"
    assert scaffold.paperrefs_requirement(text) == (line or default)


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip()):
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def test_the_sites_pins_are_the_tested_documentation_set() -> None:
    """The generated requirements pin what ``docs/requirements.txt`` pins, but for what only
    this repository's own site uses (cards on its landing page); offline MathJax is the
    extension's own default, so every site installs it."""
    tested = pins((REPO / "docs" / "requirements.txt").read_text(encoding="utf-8"))
    generated = pins(scaffold.template_text("requirements.txt.tmpl"))
    only_this_site = {"sphinx-design"}
    assert generated == {name: v for name, v in tested.items() if name not in only_this_site}


SEEDED_ENTRY = """@misc{vaswani2017attention,
  title         = {Attention Is All You Need},
  author        = {Ashish Vaswani and Noam Shazeer and Niki Parmar and Jakob Uszkoreit and Llion Jones and Aidan N. Gomez and Lukasz Kaiser and Illia Polosukhin},
  year          = {2017},
  eprint        = {1706.03762},
  archiveprefix = {arXiv},
  primaryclass  = {cs.CL},
  doi           = {10.48550/arXiv.1706.03762},
  url           = {https://arxiv.org/abs/1706.03762},
}
"""  # noqa: E501


def test_the_seeded_bib_is_what_paperrefs_add_writes(tmp_path: Path) -> None:
    text = scaffold.seed_bib()
    assert text.startswith("% ")  # a comment line, then the entry
    assert text.endswith("\n\n" + SEEDED_ENTRY)
    # The same bytes as `paperrefs add` makes from arXiv's record, into the bare header.
    bib = tmp_path / "papers.bib"
    bib.write_text(scaffold.BIB_HEADER, encoding="utf-8")
    add_papers(bib, [scaffold.EXAMPLE_PAPER])
    assert bib.read_text(encoding="utf-8") == text


def test_every_template_is_used() -> None:
    folder = REPO / "ext" / "paperrefs" / "templates" / "site"
    on_disk = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.tmpl"))
    used = sorted(file.template for file in scaffold.SITE_FILES if file.template)
    assert on_disk == used


def test_read_bib_accepts_the_generated_bib(tmp_path: Path) -> None:
    assert run_paperrefs(["init", "site"], tmp_path).returncode == 0
    entries = read_bib(tmp_path / "site" / "bib" / "papers.bib").entries
    assert [entry.key for entry in entries] == ["vaswani2017attention"]
