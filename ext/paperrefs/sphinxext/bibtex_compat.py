"""Living with sphinxcontrib-bibtex, which reads the same bib for ``{cite}``.

paperrefs loads it (``setup``), so ``{cite}`` keeps working as other Sphinx users expect,
and mends the four places where its behaviour would break a paperrefs promise: a broken
bib, bibliographies that point at a moved file, links from untrusted URLs, and the escapes
paperrefs writes that pybtex does not read back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from paperrefs.fsutil import write_if_changed
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.settings import settings_of
from paperrefs.text import is_web_url

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


def read_escapes_back(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a rendered bibliography shows what the entry writer escaped as
    the text it was, and a title's TeX math as math where pages render math.

    ``\\$\\textbackslash{}omega\\$Test`` in the bib reaches the page as ``\\$\\omega\\$Test``
    from pybtex; here it becomes ``$\\omega$Test``, then the same text and math nodes as on
    paper pages (which the LaTeX builder turns into plain text).
    """
    for entry in doctree.findall(nodes.citation):
        for text in list(entry.findall(nodes.Text)):
            value = text.astext()
            if "\\" not in value:
                continue
            read = _UNREAD_ESCAPES.sub(lambda match: match[1] or _CHARACTERS[match[2]], value)
            if read != value:
                parent = text.parent
                index = parent.index(text)
                parent.remove(text)
                for offset, node in enumerate(render.tex_nodes(read)):
                    parent.insert(index + offset, node)
