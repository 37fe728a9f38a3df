"""Living with sphinxcontrib-bibtex, which reads the same bib for ``{cite}``.

paperrefs loads it (``setup``), so ``{cite}`` keeps working as other Sphinx users expect,
and mends the places where its behaviour would break a paperrefs promise: a broken bib,
bibliographies that point at a moved file, links from untrusted URLs, the escapes paperrefs
writes that pybtex does not read back, pages re-read because the bib's time moved while its
bytes did not, a pass over every cited entry on every build, whatever changed, and two
costs of its own that grow with the site: a plugin looked up among every installed package
for each citation, and its parsed bib sent back by every ``-j`` worker.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pybtex.plugin
from docutils import nodes
from pybtex.database import BibliographyData
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex import env_updated as bibtex_env_updated
from sphinxcontrib.bibtex.bibfile import BibData
from sphinxcontrib.bibtex.domain import get_docnames

from paperrefs.fsutil import write_if_changed
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.settings import settings_of
from paperrefs.sphinxext.warnings import status
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


# -- sphinxcontrib-bibtex's pass over cited entries, only when its inputs changed -------------


def run_bibtex_pass_only_on_change(app: Sphinx) -> None:
    """Put :func:`bibtex_pass_if_inputs_changed` in place of sphinxcontrib-bibtex's own
    ``env-updated`` handler, at the same priority.

    Its handler formats every cited entry (twice, with tooltips) and matches every entry
    of the bib against every citation, on every build: at 1,000 papers about 40 % of a
    no-op build. What it computes is kept with the environment, so when nothing it reads
    changed, the last build's result is the result.
    """
    for listener in list(app.events.listeners.get("env-updated", [])):
        if listener.handler is bibtex_env_updated:
            app.disconnect(listener.id)
            app.connect("env-updated", bibtex_pass_if_inputs_changed, listener.priority)


def bibtex_pass_if_inputs_changed(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """``env-updated``: sphinxcontrib-bibtex's pass, unless everything it reads is as it
    was at the end of the last build (its warnings then are not repeated, like those of
    any document an incremental build does not read)."""
    domain = domain_of(env)
    inputs = bibtex_inputs(app, env)
    if domain.snapshot.get("bibtex_inputs") == inputs:
        status("paperrefs: citations unchanged, sphinxcontrib-bibtex's last result kept")
        return []
    result = list(bibtex_env_updated(app, env))
    domain.snapshot["bibtex_inputs"] = inputs
    return result + pages_whose_citations_changed(env)


def pages_whose_citations_changed(env: BuildEnvironment) -> list[str]:
    """The pages whose ``{cite}`` labels or previews, or whose bibliography entries, the
    pass just formatted differently from the last build's.

    Both are filled in when a page is written, from what the pass formatted, so such a
    page is rewritten without being read again. Which fields an entry shows is the pybtex
    style's business (an edition, a page range), so the comparison is of the formatted
    text itself.
    """
    cite: Any = env.get_domain("cite")
    by_key: dict[str, list[tuple[str, ...]]] = {}
    shown: dict[str, list[object]] = {}
    for citation in cite.citations:
        tooltip = citation.tooltip_entry
        formatted = (
            citation.citation_id,
            citation.bibliography_key.docname,
            citation.formatted_entry.label,
            repr(citation.formatted_entry.text),
            repr(tooltip.text) if tooltip is not None else "",
        )
        by_key.setdefault(citation.key, []).append(formatted)
        shown.setdefault(citation.bibliography_key.docname, []).append(formatted)
    for ref in cite.citation_refs:
        for target in ref.targets:
            shown.setdefault(ref.docname, []).append(by_key.get(target.key))
    now = {
        docname: hashlib.sha256(repr(items).encode("utf-8")).hexdigest()
        for docname, items in shown.items()
    }
    domain = domain_of(env)
    before: dict[str, str] = domain.snapshot.get("bibtex_pages", now)
    domain.snapshot["bibtex_pages"] = now
    changed = {doc for doc in before.keys() | now.keys() if before.get(doc) != now.get(doc)}
    return sorted(doc for doc in changed if doc in env.found_docs)


def bibtex_inputs(app: Sphinx, env: BuildEnvironment) -> str:
    """A digest of everything sphinxcontrib-bibtex's pass reads."""
    cite: Any = env.get_domain("cite")
    settings = {
        item.name: repr(item.value) for item in app.config if item.name.startswith("bibtex_")
    }
    files = {str(path): file_digest(path) for path in bib_files(app)}
    bibdata = cite.bibdata
    parsed = [
        (str(path), bibfile.mtime, list(bibfile.keys)) for path, bibfile in bibdata.bibfiles.items()
    ]
    docnames = list(get_docnames(env))  # type: ignore[no-untyped-call]
    place = {docname: index for index, docname in enumerate(docnames)}
    # The pass reads which keys each page cites, pages in this order and each page's in
    # its own: not a citation's line, its text around the key, or where in the list a page
    # that was read again put its citations (at the end).
    cited = sorted(
        ((ref.docname, [target.key for target in ref.targets]) for ref in cite.citation_refs),
        key=lambda item: place.get(item[0], len(place)),
    )
    state = (
        version("sphinxcontrib-bibtex"),
        sorted(settings.items()),
        sorted(files.items()),
        bibdata.encoding,
        parsed,
        docnames,
        cited,
        sorted((plain(key), plain(value)) for key, value in cite.bibliographies.items()),
    )
    return hashlib.sha256(repr(state).encode("utf-8")).hexdigest()


def plain(value: object) -> object:
    """``value`` as nested tuples of text and numbers, with a stable ``repr``."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return tuple((name, plain(getattr(value, name))) for name in value._fields)
    if isinstance(value, ast.AST):
        return ast.dump(value)
    if isinstance(value, nodes.Element):
        return (value.tagname, tuple(value.get("ids", ())), value.astext())
    if isinstance(value, dict):
        return tuple(sorted((str(key), plain(item)) for key, item in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(item) for item in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    return value if isinstance(value, str | int | float | bool | None) else str(value)


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
