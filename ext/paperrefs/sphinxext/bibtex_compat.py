"""Living with sphinxcontrib-bibtex, which reads the same bib for ``{cite}``.

paperrefs loads it (``setup``), so ``{cite}`` keeps working as other Sphinx users expect,
and mends the places where its behaviour would break a paperrefs promise: a broken bib,
bibliographies that point at a moved file, links from untrusted URLs, the escapes paperrefs
writes that pybtex does not read back, pages re-read because the bib's time moved while its
bytes did not, and two costs of its own that grow with the site: a plugin looked up among
every installed package for each citation, and its parsed bib sent back by every ``-j``
worker. Its pass over cited entries is in :mod:`paperrefs.sphinxext.bibtex_pass`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pybtex.plugin
from docutils import nodes
from pybtex.database import BibliographyData
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex.bibfile import BibData

from paperrefs.fsutil import write_if_changed
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.settings import settings_of
from paperrefs.text import is_web_url, tex_to_plain

# What pybtex's decoder (latexcodec) leaves of the entry writer's escapes: it knows \% \& \#
# \_ and \textbackslash, but keeps \$ and the literal-brace and caret macros as written (with
# one space where their empty group stood).
_UNREAD_ESCAPES = re.compile(r"\\(\$)|\\(textbraceleft|textbraceright|textasciicircum)\b ?")
_CHARACTERS = {"textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^"}


def give_bibtex_what_parses(app: Sphinx) -> None:
    """``builder-inited``: point sphinxcontrib-bibtex at a copy of a broken bib without
    its broken entries.

    On a bib it cannot parse, sphinxcontrib-bibtex aborts the whole build with a
    traceback; with this copy, ``{cite}`` keeps working for every other entry. The bib
    itself is never touched, and the copy lives with the doctrees. Runs after paperrefs
    read the bib and before sphinxcontrib-bibtex does (see the priorities in the registry);
    redirecting its setting is the one way to hand it another file.
    """
    salvaged = domain_of(app.env).salvaged
    broken = settings_of(app.config).bib_path
    if not salvaged.damaged or broken is None:
        return
    copy = Path(app.doctreedir) / "paperrefs" / broken.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(copy, salvaged.text.encode("utf-8"))
    confdir = Path(app.confdir)
    app.config.bibtex_bibfiles = [
        str(copy) if (confdir / name).resolve() == broken else name
        for name in app.config.bibtex_bibfiles
    ]


def bibliographies_if_bibfiles_moved(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The documents holding a ``{bibliography}``, when the bib files it reads moved.

    sphinxcontrib-bibtex stores each bibliography's file paths when it reads the
    document; after a switch to or from the copy of a broken bib (give_bibtex_what_parses)
    those documents must be read again, or it looks up a file it no longer has.
    """
    files = [str(name) for name in app.config.bibtex_bibfiles or []]
    snapshot = domain_of(env).snapshot
    before = snapshot.get("bibtex_bibfiles", files)
    snapshot["bibtex_bibfiles"] = files
    if before == files:
        return set()
    cite_domain: Any = env.get_domain("cite")
    return {key.docname for key in cite_domain.bibliographies}


def unlink_unsafe_bib_urls(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: keep ``javascript:``, ``data:`` and ``file:`` URLs from the bib
    from becoming links.

    sphinxcontrib-bibtex's styles turn an entry's ``url``/``doi`` into a link whatever
    its scheme; in a rendered bibliography only http(s) targets stay links, the rest
    shows as plain text.
    """
    for entry in doctree.findall(lambda node: isinstance(node, nodes.citation | nodes.footnote)):
        for reference in list(entry.findall(nodes.reference)):
            target = reference.get("refuri")
            if target is not None and not is_web_url(target) and ":" in target.split("/")[0]:
                reference.replace_self(nodes.Text(reference.astext()))


# -- the bib as a dependency of pages, by content ---------------------------------------------


def bib_files(app: Sphinx) -> list[Path]:
    """The files sphinxcontrib-bibtex reads, as it resolves them (from the conf folder)."""
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or []]


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def pages_of_changed_bib_files(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The documents that depend on a bib file whose keys changed since the last build.

    sphinxcontrib-bibtex makes each bib file a dependency of the pages that hold a
    ``{bibliography}``, and Sphinx re-reads a page when a dependency's time is newer
    than the page's: touching the bib rewrote those pages and their toctree parents
    unchanged. :func:`depend_on_bib_content` takes those dependencies out of Sphinx's
    hands; this puts them back, by what the directive reads of the file when its page is
    read: the keys, in order (it makes a target for each). The entries it lists are
    formatted after reading, and :func:`pages_whose_citations_changed` rewrites the page
    when they change.
    """
    domain = domain_of(env)
    parsed = env.get_domain("cite").bibdata.bibfiles  # type: ignore[attr-defined]
    now = {
        str(path): list(parsed[path].keys) if path in parsed else None for path in bib_files(app)
    }
    before: dict[str, list[str] | None] = domain.snapshot.get("bibfile_keys", now)
    domain.snapshot["bibfile_keys"] = now
    changed = {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}
    return {doc for doc, paths in domain.bib_dependents.items() if paths & changed}


def depend_on_bib_content(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: move each page's dependency on a bib file from Sphinx's time-based
    record into the domain, where :func:`pages_of_changed_bib_files` compares content."""
    files = {str(path) for path in bib_files(app)}
    names = {os.path.basename(name) for name in files}
    dependents = domain_of(env).bib_dependents
    srcdir = Path(env.srcdir)
    for docname, dependencies in env.dependencies.items():
        for dependency in list(dependencies):
            if os.path.basename(dependency) not in names:
                continue
            full = str((srcdir / dependency).resolve())
            if full in files:
                dependencies.discard(dependency)
                dependents.setdefault(docname, set()).add(full)


def read_escapes_back(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a rendered bibliography shows what the entry writer escaped as
    the text it was, a title's TeX math as math where pages render math, and a list of
    authors that ends in BibTeX's "others" as "et al.", as paper pages do.

    ``\\$\\textbackslash{}omega\\$Test`` in the bib reaches the page as ``\\$\\omega\\$Test``
    from pybtex; here it becomes ``$\\omega$Test``, then the same text and math nodes as on
    paper pages (which the LaTeX builder turns into plain text). A ``{cite}``'s tooltip gets
    the plain text.
    """
    entries = list(doctree.findall(nodes.citation))
    inlines = doctree.findall(nodes.inline)
    citing = [node for node in inlines if "bibtex-citation" in node["classes"]]
    if not (entries or citing):  # most pages: no need to look at every citation of the site
        return
    et_al = _entries_with_others(app.env)
    for entry in entries:
        if et_al & set(entry["ids"]):
            _others_as_et_al(entry)
        for text in list(entry.findall(nodes.Text)):
            read = read_escapes(text.astext())
            if read != text.astext():
                parent = text.parent
                index = parent.index(text)
                parent.remove(text)
                for offset, node in enumerate(render.tex_nodes(read)):
                    parent.insert(index + offset, node)
    for cite in citing:
        _plain_tooltips(cite, et_al)


def _plain_tooltips(citing: nodes.Element, et_al: set[str]) -> None:
    """The tooltips of one ``{cite}``, which sphinxcontrib-bibtex renders from pybtex."""
    for reference in citing.findall(nodes.reference):
        title = reference.get("reftitle")
        if not title:
            continue
        target = reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]
        if target in et_al:
            title = _et_al(title)
        reference["reftitle"] = tex_to_plain(read_escapes(title))


def read_escapes(value: str) -> str:
    """pybtex's rendering of an escaped value, with what its decoder left read back."""
    if "\\" not in value:
        return value
    return _UNREAD_ESCAPES.sub(lambda match: match[1] or _CHARACTERS[match[2]], value)


def _entries_with_others(env: BuildEnvironment) -> set[str]:
    """The ids of the rendered citations whose author list ends in "others"."""
    cite_domain: Any = env.get_domain("cite")
    ids = set()
    for citation in cite_domain.citations:
        authors = citation.entry.persons.get("author", [])
        if authors and str(authors[-1]) == "others":
            ids.add(citation.citation_id)
    return ids


def _others_as_et_al(entry: nodes.Element) -> None:
    """pybtex's plain style writes the names first: the first "and others" is theirs."""
    for text in entry.findall(nodes.Text):
        value = text.astext()
        if (shown := _et_al(value)) != value:
            text.parent.replace(text, nodes.Text(shown))
            return


def _et_al(value: str) -> str:
    at = value.find(" and others")
    if at < 0:
        return value
    rest = value[at + len(" and others") :]
    return value[:at] + (" et al" if rest.startswith(".") else " et al.") + rest  # one stop


# -- costs that grow with the site -----------------------------------------------------------

# The pybtex plugins sphinxcontrib-bibtex looks up for every citation it resolves.
_PER_CITATION_PLUGINS = (("pybtex.backends", "plaintext"), ("pybtex.backends", "docutils"))


def look_up_pybtex_plugins_once() -> None:
    """Register the per-citation pybtex plugins as found, so each is looked up once.

    pybtex finds a plugin by scanning the entry points of every installed distribution,
    on every call; sphinxcontrib-bibtex asks for the plain-text backend once per citation
    it resolves, which at 1,000 papers was about 5 % of a clean build. Registered at run
    time, the same class is returned from pybtex's own table.
    """
    for group, name in _PER_CITATION_PLUGINS:
        found = pybtex.plugin.find_plugin(group, name)
        pybtex.plugin.register_plugin(group, name, found, force=True)


class _BibDataKeptHome(BibData):
    """sphinxcontrib-bibtex's parsed bib, pickled in full only by the process that read it.

    With ``-j``, every worker sends the whole environment back to the main process,
    pickled, for each chunk of documents it read; the main process merges from it only
    what the chunk's documents added, and sphinxcontrib-bibtex's merge never looks at the
    parsed bib, which the main process already holds. Sent back in full, it was the
    largest part of each chunk (about 1 MB of pybtex objects at 1,000 papers, unpickled
    again for every chunk). A worker's copy goes back without the entries; the main
    process pickles it in full with the environment it keeps. Either way it is unpickled
    as sphinxcontrib-bibtex's own type.
    """

    home: int  # the process that read the bib

    def __reduce__(self) -> tuple[type[BibData], tuple[Any, ...]]:
        if os.getpid() == self.home:
            return BibData, tuple(self)
        return BibData, (self.encoding, self.bibfiles, BibliographyData())


def keep_parsed_bib_home(app: Sphinx) -> None:
    """``builder-inited``, after sphinxcontrib-bibtex read its bib files: see
    :class:`_BibDataKeptHome`."""
    cite: Any = app.env.get_domain("cite")
    kept = _BibDataKeptHome(*cite.data["bibdata"])
    kept.home = os.getpid()
    cite.data["bibdata"] = kept
