"""sphinxcontrib-bibtex's pass over cited entries, at the cost of what changed.

At ``env-updated`` sphinxcontrib-bibtex formats every cited entry (twice, with tooltips)
and matches every entry of the bib against every citation, on every build: at 1,000
papers about 40 % of a no-op build, and most of the build after one entry's edit. Here
the pass runs only when something it reads changed, each entry is formatted again only
when its text, its label or its style changed, the documents citing an entry are looked
up rather than searched for, and the pages whose formatted citations changed are
rewritten.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pybtex.plugin
from docutils import nodes
from pybtex.database import Entry
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinxcontrib.bibtex import env_updated as bibtex_env_updated
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor, get_docnames

from paperrefs.sphinxext.bibtex_compat import bib_files, file_digest
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.warnings import status

logger = logging.getLogger(__name__)


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


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, with two lookups of its pass answered from a dictionary.

    For each entry of a bibliography, the pass finds the documents that cite it by going
    through every citation of the site (entries × citations: at 10,000 papers and 3,000
    citations, 30 million tests, seconds of every build after an entry changed), and it
    orders the citations by looking each document up in a list (citations × documents).
    Here each is answered from one pass over the citations; the entries, their order and
    the warnings are the same.
    """

    def get_filtered_entries(self, bibliography_key: Any) -> Iterator[tuple[str, Entry]]:
        bibliography = self.bibliographies[bibliography_key]
        citing: dict[str, set[str]] = {}
        for citation_ref in self.citation_refs:
            for target in citation_ref.targets:
                citing.setdefault(target.key, set()).add(citation_ref.docname)
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            cited_in = citing.get(key, set())
            visitor = _FilterVisitor(  # type: ignore[no-untyped-call]
                entry=entry, docname=bibliography_key.docname, cited_docnames=cited_in
            )
            try:
                shown = visitor.visit(bibliography.filter_)
            except ValueError as error:  # worded as sphinxcontrib-bibtex words it
                logger.warning(
                    f"syntax error in :filter: expression; {error}",
                    location=(bibliography_key.docname, bibliography.line),
                    type="bibtex",
                    subtype="filter_syntax_error",
                )
                shown = bool(cited_in)  # its fallback: the entries cited anywhere
            if shown or entry.key in bibliography.keys:
                yield key, entry

    def get_all_cited_keys(self, docnames: list[str]) -> Iterator[str]:
        position: dict[str, int] = {}
        for index, docname in enumerate(docnames):
            position.setdefault(docname, index)
        for citation_ref in sorted(self.citation_refs, key=lambda ref: position[ref.docname]):
            for target in citation_ref.targets:
                yield target.key


def bibtex_pass_if_inputs_changed(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """``env-updated``: sphinxcontrib-bibtex's pass, unless everything it reads is as it
    was at the end of the last build (its warnings then are not repeated, like those of
    any document an incremental build does not read)."""
    domain = domain_of(env)
    inputs = bibtex_inputs(app, env)
    if domain.snapshot.get("bibtex_inputs") == inputs:
        status("paperrefs: citations unchanged, sphinxcontrib-bibtex's last result kept")
        return []
    with formatting_remembered(app, domain.snapshot.get("bibtex_formatted", {})) as used:
        result = list(bibtex_env_updated(app, env))
    domain.snapshot["bibtex_formatted"] = used
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
        sorted((name, code) for name, (_, code) in style_codes(app).items()),
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


# -- each entry formatted once, until its text changes -----------------------------------------

_STYLES = "pybtex.style.formatting"


def style_codes(app: Sphinx) -> dict[str, tuple[type[BaseStyle], str]]:
    """Each pybtex style the pass will use, by name: its class and a digest of its code.

    A style is code: one defined in ``conf.py`` (or a module it imports) may change while
    its name stays, and then every entry it formats must be formatted again. The digest
    covers pybtex's version and the files that define the class and each class it
    inherits from.
    """
    cite: Any = app.env.get_domain("cite")
    names = {bibliography.style for bibliography in cite.bibliographies.values()}
    if app.config.bibtex_tooltips and app.config.bibtex_tooltips_style:
        names.add(app.config.bibtex_tooltips_style)
    conf = Path(app.confdir) / "conf.py"
    codes: dict[str, tuple[type[BaseStyle], str]] = {}
    for name in sorted(names):
        try:
            style = pybtex.plugin.find_plugin(_STYLES, name)
        except pybtex.plugin.PluginNotFound:
            continue  # sphinxcontrib-bibtex reports it, as it always did
        read: list[tuple[str, str, str | None]] = [("pybtex", version("pybtex"), None)]
        for klass in style.__mro__[:-1]:  # not object
            module = sys.modules.get(klass.__module__)
            # conf.py is run, not imported: its classes belong to no module
            where = conf if klass.__module__ == "builtins" else getattr(module, "__file__", None)
            digest = file_digest(Path(where)) if where else None
            read.append((klass.__module__, klass.__qualname__, digest))
        codes[name] = (style, hashlib.sha256(repr(read).encode("utf-8")).hexdigest())
    return codes


@contextmanager
def formatting_remembered(
    app: Sphinx, remembered: dict[str, FormattedEntry]
) -> Iterator[dict[str, FormattedEntry]]:
    """While the pass runs, its pybtex styles return the last build's formatting of an
    entry whose text and label are unchanged; yields what the pass used, to remember.

    sphinxcontrib-bibtex finds its styles by name in pybtex's plugin table, so the styles
    are registered there, for the pass alone, as subclasses that remember; the pass itself
    is not touched. Formatting is a function of the style's code, the label and the entry
    alone (the pass gives the style no bibliography to resolve ``crossref`` in).
    """
    codes = style_codes(app)
    used: dict[str, FormattedEntry] = {}
    try:
        for name, (style, code) in codes.items():
            remembering = _remembering(style, code, remembered, used)
            pybtex.plugin.register_plugin(_STYLES, name, remembering, force=True)
        yield used
    finally:
        for name, (style, _) in codes.items():
            pybtex.plugin.register_plugin(_STYLES, name, style, force=True)


def _remembering(
    style: type[BaseStyle],
    code: str,
    remembered: dict[str, FormattedEntry],
    used: dict[str, FormattedEntry],
) -> type[BaseStyle]:
    """``style``, formatting an entry only when neither ``remembered`` nor ``used`` has it."""

    class Remembering(style):  # type: ignore[misc]
        def format_entry(self, label: str, entry: Entry, bib_data: object = None) -> FormattedEntry:
            if bib_data is not None:  # not how the pass calls it: crossrefs may be read
                return super().format_entry(label, entry, bib_data=bib_data)
            key = formatting_key(code, label, entry)
            formatted = remembered.get(key) or used.get(key)
            if formatted is None:
                formatted = super().format_entry(label, entry)
            used[key] = formatted
            return formatted

    Remembering.__qualname__ = f"Remembering[{style.__qualname__}]"
    return Remembering


def formatting_key(code: str, label: str, entry: Entry) -> str:
    """A digest of everything the style's formatting of ``entry`` under ``label`` reads."""
    persons = [
        (
            role,
            [
                (p.first_names, p.middle_names, p.prelast_names, p.last_names, p.lineage_names)
                for p in people
            ],
        )
        for role, people in entry.persons.items()
    ]
    read = (code, label, entry.key, entry.type, list(entry.fields.items()), persons)
    return hashlib.sha256(repr(read).encode("utf-8")).hexdigest()
