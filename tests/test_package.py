"""The package as a user gets it: built, installed outside the repository, and used.

The sdist and the wheel are built once (``python -m build``: the wheel from the sdist, so
the sdist is complete). The installs go into fresh virtual environments in ``tmp_path``;
their dependencies come from the package registry at the pins of ``docs/requirements.txt``
(or the pins a generated site carries), so the only network is the registry, and arXiv is
a local server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import paperrefs
import pytest
from pytest_httpserver import HTTPServer

from tests.helpers.fake_arxiv import FakeArxiv
from tests.helpers.fake_doi import SCIENCE, serve_doi
from tests.helpers.new_site import BERT, BERT_ID, NOTE
from tests.helpers.paths import REPO, require_tool

VERSION = paperrefs.__version__
PACKAGE_DATA = [
    "py.typed",
    "sphinxext/static/paperrefs.css",
    "sphinxext/static/paperrefs-filter.js",
    "sphinxext/static/paperrefs-preview.js",
    "sphinxext/static/paperrefs-graph.js",
    "sphinxext/static/force-graph/force-graph.min.js",
    "sphinxext/static/force-graph/LICENSE",
    "sphinxext/static/force-graph/PROVENANCE.json",
    *sorted(
        f"templates/{path.relative_to(REPO / 'ext' / 'paperrefs' / 'templates').as_posix()}"
        for path in (REPO / "ext" / "paperrefs" / "templates").rglob("*.tmpl")
    ),
]
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input", "--timeout", "60"]


def clean_copy(target: Path) -> Path:
    """The checkout's files as a clone would have them: tracked or new, never ignored.

    Building in place would let setuptools reuse the stale file list of the editable
    install's ``*.egg-info``, and a file missing from the package data would go unnoticed.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
        cwd=REPO,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from a clean copy of this checkout."""
    require_tool("git")
    source = clean_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that points Python at the checkout."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH"}
    }
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def fresh_venv(folder: Path) -> Path:
    """A new virtual environment; its ``bin`` folder."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    return folder / "bin"


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_the_changelog_starts_at_the_packages_one_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## (\S+)", text, re.MULTILINE)
    assert first is not None
    assert first[1] == VERSION
    # The version is written once: pyproject.toml reads it from the package.
    assert 'version = { attr = "paperrefs.__version__" }' in (REPO / "pyproject.toml").read_text()


@pytest.mark.slow
def test_the_wheel_and_the_sdist_carry_the_package_data_and_metadata(
    dist: dict[str, Path],
) -> None:
    assert dist["wheel"].name == f"paperrefs-{VERSION}-py3-none-any.whl"
    assert dist["sdist"].name == f"paperrefs-{VERSION}.tar.gz"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = HeaderParser().parsestr(
            wheel.read(f"paperrefs-{VERSION}.dist-info/METADATA").decode()
        )
    for name in PACKAGE_DATA:
        assert f"paperrefs/{name}" in names
    assert f"paperrefs-{VERSION}.dist-info/licenses/LICENSE" in names
    assert not [name for name in names if name.startswith(("tests/", "docs/", "bench/"))]
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.11"
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL", []))
    assert {"Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert "Framework :: Sphinx :: Extension" in metadata.get_all("Classifier", [])
    assert "arxiv" in metadata["Keywords"].split(",")
    assert 'sphinx-book-theme>=1.1; extra == "site"' in metadata.get_all("Requires-Dist", [])

    with tarfile.open(dist["sdist"]) as sdist:
        members = set(sdist.getnames())
    root = f"paperrefs-{VERSION}"
    for name in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"):
        assert f"{root}/{name}" in members
    for name in PACKAGE_DATA:
        assert f"{root}/ext/paperrefs/{name}" in members
    assert not [name for name in members if name.startswith(f"{root}/tests")]


@pytest.mark.slow
def test_installed_outside_the_repository_it_makes_a_site_that_builds(
    dist: dict[str, Path], arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.add(BERT_ID, version=2, paper=BERT)
    work = tmp_path / "user"
    work.mkdir()
    env = clean_environment(
        PAPERREFS_ARXIV_API=arxiv.url,
        PAPERREFS_THROTTLE_FILE=str(tmp_path / "throttle"),
    )
    # The author's environment: the wheel with the theme extra, its dependencies resolved
    # by pip within the tested pins.
    user = fresh_venv(tmp_path / "venv")
    constraints = str(REPO / "docs" / "requirements.txt")
    wheel = f"{dist['wheel']}[site]"
    run([str(user / "python"), *PIP, "install", wheel, "-c", constraints], work, env)
    where = run(
        [str(user / "python"), "-c", "import paperrefs; print(paperrefs.__file__)"], work, env
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv")

    cli = str(user / "paperrefs")
    run([cli, "init", "site", "--title", "Zoë's notes"], work, env)
    site = work / "site"
    added = run([cli, "add", "1810.04805"], site, env)
    assert added.stdout == "devlin2018bert\n"
    assert arxiv.asked == [BERT_ID]
    with (site / "docs" / "notes" / "transformers.md").open("a", encoding="utf-8") as page:
        page.write(NOTE)
    check = run([cli, "check", "--bib", "bib/papers.bib", "--docs", "docs"], site, env)
    assert "0 error(s), 0 warning(s)" in check.stderr
    build = ["-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    run([str(user / "python"), *build, "docs", "docs/_build/html"], site, env)
    html = site / "docs" / "_build" / "html"
    assert (html / "papers" / "devlin2018bert.html").is_file()
    assert (html / "_static" / "paperrefs.css").is_file()  # package data, from the wheel

    # Read the Docs' environment: exactly the site's requirements.txt, the wheel standing in
    # for its paperrefs line, installed without resolving anything, so `pip check` proves
    # the pins are complete; then the same build there.
    requirements = (site / "requirements.txt").read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^paperrefs @ git\+https://\S+$", requirements)) == 1
    pins = tmp_path / "pins.txt"
    pins.write_text(re.sub(r"(?m)^paperrefs @ .*$", "", requirements), encoding="utf-8")
    rtd = fresh_venv(tmp_path / "rtd-venv")
    run([str(rtd / "python"), *PIP, "install", "--no-deps", str(dist["wheel"])], work, env)
    run([str(rtd / "python"), *PIP, "install", "--no-deps", "-r", str(pins)], work, env)
    run([str(rtd / "python"), *PIP, "check"], work, env)
    run([str(rtd / "python"), *build, "docs", str(tmp_path / "rtd-html")], site, env)


QUICKSTART = REPO / "docs" / "quickstart.md"
FENCE = re.compile(
    r"^(?P<fence>`{3,})(?P<lang>console|sh)\n(?P<body>.*?)^(?P=fence)$", re.MULTILINE | re.DOTALL
)
INSTALL = re.compile(r'pip install "paperrefs\[site\] @ git\+https://\S+@v(?P<version>[^"]+)"')
# Commands of the page that cannot run here, each with the reason.
NOT_RUN = {"git push -u origin main": "needs the network and the reader's account"}


def quickstart_steps() -> list[tuple[str, list[str]]]:
    """Each command of the page's console and sh blocks, with the output the page shows."""
    steps: list[tuple[str, list[str]]] = []
    for block in FENCE.finditer(QUICKSTART.read_text(encoding="utf-8")):
        if block["lang"] == "sh":
            steps.append((block["body"], []))
            continue
        for line in block["body"].splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.strip():
                steps[-1][1].append(line)
    return steps


@pytest.mark.slow
def test_the_quickstart_runs_as_written(
    dist: dict[str, Path], arxiv: FakeArxiv, httpserver: HTTPServer, tmp_path: Path
) -> None:
    arxiv.add(BERT_ID, version=2, paper=BERT)
    doi_asked = serve_doi(httpserver, "10.1126/science.169.3946.635", SCIENCE)
    steps = quickstart_steps()
    commands = [command for command, _ in steps]
    assert {"paperrefs add 1810.04805", "git push -u origin main"} <= set(commands)
    installs = [match for command in commands if (match := INSTALL.fullmatch(command))]
    assert [match["version"] for match in installs] == [VERSION]

    # "python3" is this interpreter; the install is the built wheel, with the same extra,
    # within the tested pins.
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "python3").symlink_to(sys.executable)
    wheel = f"{dist['wheel']}[site]"
    install = shlex.join(["pip", "install", wheel, "-c", str(REPO / "docs" / "requirements.txt")])
    script = ["set -eo pipefail"]
    for number, (command, _) in enumerate(steps):
        script.append(f"echo '@@ step {number}'")
        if INSTALL.fullmatch(command):
            script.append(install)
        elif command in NOT_RUN:
            script.append(f"echo {shlex.quote('not run: ' + NOT_RUN[command])}")
        else:
            script.append(command)
    work = tmp_path / "work"
    work.mkdir()
    env = clean_environment(
        PATH=f"{shims}{os.pathsep}{os.environ['PATH']}",
        PAPERREFS_ARXIV_API=arxiv.url,
        PAPERREFS_DOI_URL=httpserver.url_for(""),
        PAPERREFS_THROTTLE_FILE=str(tmp_path / "throttle"),
        GIT_AUTHOR_NAME="Ada Lovelace",
        GIT_AUTHOR_EMAIL="ada@example.org",
        GIT_COMMITTER_NAME="Ada Lovelace",
        GIT_COMMITTER_EMAIL="ada@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    outputs = result.stdout.split("@@ step ")[1:]
    for (command, shown), output in zip(steps, outputs, strict=True):
        for line in shown:
            assert line in output.splitlines(), f"{command!r} did not print {line!r}"
    assert arxiv.asked == [BERT_ID]
    assert len(doi_asked) == 1
    site = work / "mynotes"
    html = site / "docs" / "_build" / "html"
    assert (html / "papers" / "devlin2018bert.html").is_file()
    assert "BERT" in (html / "notes" / "transformers.html").read_text(encoding="utf-8")
    tracked = subprocess.run(
        ["git", "ls-files"], capture_output=True, text=True, cwd=site, check=True
    ).stdout.split()
    assert "bib/papers.bib" in tracked
    assert not [name for name in tracked if name.startswith(("docs/papers/", "docs/_build/"))]


def test_every_install_line_in_the_docs_names_this_release() -> None:
    pages = [REPO / "README.md", QUICKSTART, REPO / "docs" / "howto" / "paperrefs.md"]
    tags = {
        page.name: re.findall(r"paperrefs\.git@v([\w.]+)", page.read_text(encoding="utf-8"))
        for page in pages
    }
    assert all(tags.values())
    assert {tag for found in tags.values() for tag in found} == {VERSION}
