"""Which site a command works on: its ``conf.py``, and what the build takes from it.

From the current folder up to the top of the repository (the first folder holding
``.git``), each folder is asked, in this order:

1. ``pyproject.toml`` with a ``[tool.paperrefs]`` table whose ``docs`` names the folder
   of conf.py, relative to pyproject.toml (for layouts such as ``site/source/conf.py``);
2. ``conf.py`` in the folder itself;
3. ``docs/conf.py``, since many projects keep the site in ``docs/`` and work from the top.

The first found wins. From it come what a build would use: the bibliography
(``paperrefs_bibfile``, else the first of ``bibtex_bibfiles``, relative to conf.py's
folder), the source folder (conf.py's folder), the folder of generated paper pages
(``paperrefs_papers_dir``) and the patterns of files the build leaves out
(``exclude_patterns``, ``include_patterns``, ``templates_path`` and the HTML asset
folders, as Sphinx combines them). ``--bib`` and ``--docs`` override; with ``--docs``
the conf.py is the one in that folder, if any. Without a conf.py the defaults are
``bib/papers.bib`` and ``docs``, relative to the current folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from paperrefs.conffile import ConfError, ConfFile, read_conf
from paperrefs.location import Location

DEFAULT_BIB = Path("bib/papers.bib")
DEFAULT_DOCS = Path("docs")
DEFAULT_PAPERS_DIR = "papers"  # as the extension's paperrefs_papers_dir
PYPROJECT_KEYS = frozenset({"docs"})


@dataclass(frozen=True)
class Found:
    """A conf.py, and how it was found (for telling the user)."""

    conf: Path
    via: str = ""  # "" when found by walking up; else what pointed to it


@dataclass(frozen=True)
class Project:
    """The bibliography and notes a command works on, and where each came from."""

    bib: Path
    docs: Path
    papers_dir: str = DEFAULT_PAPERS_DIR
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ("**",)
    conf: Path | None = None
    bib_from: str = "default"  # "--bib", "conf.py" or "default"
    via: str = ""  # what pointed to conf.py, when not found by walking up
    no_conf: str = ""  # where no conf.py was found, when there is none
    notes: tuple[str, ...] = field(default=())  # settings conf.py got wrong, already replaced

    def describe(self, *, with_docs: bool) -> str:
        """One line saying which files the command uses and why."""
        bib = f"bibliography {self.bib}" + (" (from --bib)" if self.bib_from == "--bib" else "")
        docs = f", notes in {self.docs}" if with_docs else ""
        if self.conf is not None:
            via = f" (from {self.via})" if self.via else ""
            return f"using {self.conf}{via}: {bib}{docs}"
        options = "--bib and --docs" if with_docs else "--bib"
        hint = f" (the defaults; choose with {options})" if self.bib_from == "default" else ""
        return f"{self.no_conf}; using {bib}{docs}{hint}"


def find_conf(start: Path) -> Found | None:
    """The site's conf.py for a command run in ``start`` (see the module's docstring)."""
    for folder in [start, *start.parents]:
        pointed = _from_pyproject(folder)
        if pointed is not None:
            return pointed
        for candidate in (folder / "conf.py", folder / "docs" / "conf.py"):
            if candidate.is_file():
                return Found(candidate)
        if (folder / ".git").exists():
            return None
    return None


def _from_pyproject(folder: Path) -> Found | None:
    path = folder / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfError(Location(path), f"cannot read pyproject.toml: {error}") from None
    table = data.get("tool", {}).get("paperrefs")
    if table is None:
        return None
    where = Location(path)
    if not isinstance(table, dict) or set(table) - PYPROJECT_KEYS:
        unknown = ", ".join(sorted(set(table) - PYPROJECT_KEYS)) if isinstance(table, dict) else ""
        raise ConfError(
            where,
            '[tool.paperrefs] takes only `docs = "FOLDER"` (the folder of conf.py)'
            + (f"; unknown: {unknown}" if unknown else ""),
        )
    docs = table.get("docs")
    if not isinstance(docs, str) or not docs:
        raise ConfError(where, "[tool.paperrefs] docs must name the folder of conf.py")
    conf = folder / docs / "conf.py"
    if not conf.is_file():
        raise ConfError(
            where, f"[tool.paperrefs] docs = {docs!r}, but {_shown(conf, Path.cwd())} is missing"
        )
    return Found(conf, via=f"[tool.paperrefs] in {_shown(path, Path.cwd())}")


def resolve(bib: Path | None, docs: Path | None, *, notes: bool = True) -> Project:
    """The project for a command run in the current folder, given ``--bib`` and ``--docs``
    (None when not given); ``notes`` is False for a command that reads only the bib.

    Raises ConfError when the conf.py in use cannot be read, or does not say what the
    command needs and no option says it instead.
    """
    here = Path.cwd()
    if bib is not None and not notes:  # nothing else is needed from conf.py
        return Project(bib=bib, docs=docs or DEFAULT_DOCS, bib_from="--bib")
    if docs is not None:
        conf_path = docs / "conf.py"
        found = Found(conf_path) if conf_path.is_file() else None
    else:
        found = find_conf(here)
    if found is None:
        return Project(
            bib=bib if bib is not None else DEFAULT_BIB,
            docs=docs if docs is not None else DEFAULT_DOCS,
            bib_from="--bib" if bib is not None else "default",
            no_conf=f"no conf.py in {docs}"
            if docs is not None
            else "no conf.py found here or in a parent folder, nor in a docs/ folder of one",
        )
    conf = read_conf(_shown(found.conf, here))
    project = Project(
        bib=bib if bib is not None else _bib_of(conf, here),
        docs=docs if docs is not None else _shown(conf.folder, here),
        conf=_shown(conf.path, here),
        bib_from="--bib" if bib is not None else "conf.py",
        via=found.via,
    )
    if not notes:
        return project
    warnings: list[str] = []
    papers_dir = conf.string("paperrefs_papers_dir", DEFAULT_PAPERS_DIR)
    if not inside(papers_dir):
        warnings.append(
            f"{project.conf}: paperrefs_papers_dir {papers_dir!r} must be a folder inside the "
            f"docs; using {DEFAULT_PAPERS_DIR!r}, as the build does"
        )
        papers_dir = DEFAULT_PAPERS_DIR
    return replace(
        project,
        papers_dir=papers_dir,
        exclude=excluded_patterns(conf),
        include=conf.strings("include_patterns", ("**",)),
        notes=tuple(warnings),
    )


def chosen_bib(paperrefs_bibfile: str, bibtex_bibfiles: Iterable[str]) -> str:
    """The one rule, for builds and commands: ``paperrefs_bibfile``, else the first of
    ``bibtex_bibfiles`` ("" when neither names one), relative to conf.py's folder."""
    return paperrefs_bibfile or next(iter(bibtex_bibfiles), "")


def bib_setting(conf: ConfFile) -> str:
    return chosen_bib(conf.string("paperrefs_bibfile", ""), conf.strings("bibtex_bibfiles", ()))


def _bib_of(conf: ConfFile, here: Path) -> Path:
    try:
        name = bib_setting(conf)
    except ConfError as error:
        raise ConfError(error.where, f"{error.message}; or pass --bib PATH") from None
    if not name:
        raise ConfError(
            Location(conf.path),
            "conf.py names no bibliography: set paperrefs_bibfile (or bibtex_bibfiles) to "
            "its path relative to conf.py, or pass --bib PATH",
        )
    return _shown((conf.folder / name).resolve(), here)


def excluded_patterns(conf: ConfFile) -> tuple[str, ...]:
    """What a build leaves out of the sources: ``exclude_patterns``, then, as Sphinx adds
    them, ``templates_path`` and the HTML builder's asset folders.

    The asset folders are only ever folders of static files; a computed value there (an
    absolute path, say) is ignored rather than refused.
    """
    patterns = list(conf.strings("exclude_patterns", ()))
    for name in ("templates_path", "html_extra_path", "html_static_path"):
        try:
            patterns += conf.strings(name, ())
        except ConfError:
            continue
    return tuple(patterns)


def inside(name: str) -> bool:
    """Whether a setting names a path inside its folder: relative, never climbing out."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def _shown(path: Path, here: Path) -> Path:
    """``path`` relative to the current folder ``here`` when that is shorter to read."""
    try:
        relative = Path(os.path.relpath(path, here))
    except ValueError:  # another drive
        return path
    return relative if len(str(relative)) < len(str(path)) else path
