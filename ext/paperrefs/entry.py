"""Paper metadata to BibTeX text: citation keys and one fixed entry layout.

The output has to survive BibTeX, biber, pybtex and bibtexparser alike, so every text
field is escaped for LaTeX and every brace in the output is balanced by construction.
Literal braces become ``\\textbraceleft{}``/``\\textbraceright{}`` rather than ``\\{``/``\\}``:
BibTeX, biber and pybtex count a backslashed brace like any other, so a lone ``\\{`` would
unbalance the field and break the whole file for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from anyascii import anyascii

from paperrefs.ids import normalize_doi
from paperrefs.metadata import PaperMetadata
from paperrefs.names import family_first, needs_family_first, parse_plain

if TYPE_CHECKING:
    from paperrefs.csl import Person, Work

# Words that make poor key material: "Towards ..." and "On the ..." titles would all collide.
_STOP_WORDS_TEXT = (
    "a an the on of in for to and with via from by is are towards toward at as or into onto "
    "over under about through beyond do does can what how why when we our your its it this "
    "that these those be not"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
FIELD_WIDTH = len("archiveprefix")

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIALS = re.compile("[" + re.escape("".join(_LATEX_ESCAPES)) + "]")
_ALNUM_RUN = re.compile(r"[^\W_]+")
# What a DOI may contain and still sit safely inside a braced, verbatim BibTeX field.
_SAFE_DOI = re.compile(r"10\.\d{4,9}/[^\s{}\\%\"#]+")


# Keys


class TakenKeys:
    """The keys in use, lower-cased once (pybtex and biber compare keys ignoring case).

    Making n keys for a bib of N entries then costs N + n lookups; folding every taken
    key again for each new one would cost n × N.
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._folded = {key.lower() for key in keys}

    def __contains__(self, key: str) -> bool:
        return key.lower() in self._folded

    def add(self, key: str) -> None:
        self._folded.add(key.lower())


def make_key(meta: PaperMetadata, taken: TakenKeys | Collection[str]) -> str:
    """Surname + arXiv year + first significant title word, unique among ``taken``.

    ``taken`` is compared case-insensitively. Only the new key is suffixed (``a``, ``b``,
    ..., ``z``, ``aa``, ...): existing keys never change. Pass a :class:`TakenKeys` when
    making many keys; any other collection is folded on each call.
    """
    first_author = meta.authors[0] if meta.authors else ""
    return compose_key(surname(first_author), str(meta.arxiv_id.year), meta.title, taken)


def compose_key(family: str, year: str, title: str, taken: TakenKeys | Collection[str]) -> str:
    """The key scheme itself, for any source: ``family`` is already in key form or plain."""
    base = f"{_key_text(family) or 'anon'}{_key_text(year)}{_title_word(title)}"
    return _unique(base, taken if isinstance(taken, TakenKeys) else TakenKeys(taken))


def surname(name: str) -> str:
    """The key form of a person's family name, particles included: ASCII, lower-case."""
    return _key_text(parse_plain(name).surname) if name.strip() else ""


def _title_word(title: str) -> str:
    words = [word for word in map(_key_text, title.split()) if word]
    significant = [word for word in words if word not in STOP_WORDS]
    return (significant or words or [""])[0]


def _key_text(text: str) -> str:
    return re.sub("[^a-z0-9]", "", anyascii(text).lower())


def _unique(base: str, taken: TakenKeys) -> str:
    if base not in taken:
        return base
    return next(key for key in (base + suffix for suffix in _suffixes()) if key not in taken)


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ...: bijective base 26, so the sequence never repeats."""
    number = 1
    while True:
        letters, n = "", number
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        yield letters
        number += 1


# Entries


def format_entry(key: str, meta: PaperMetadata) -> str:
    """The complete ``@misc`` entry for an arXiv paper, ending with ``}\\n``.

    The layout is fixed (field order, two-space indent, names padded to one width, one
    field per line, trailing commas) so that regenerating an entry gives the same bytes.
    The bibliography cites the paper, so ``eprint`` is unversioned; the version the
    metadata describes, when known, is kept in biblatex's ``version`` field, which
    BibTeX's styles ignore and biber's data model accepts; so is the abstract, last
    because it is long.
    """
    arxiv_id = meta.arxiv_id
    fields = [
        ("title", protect_title(meta.title)),
        ("author", format_authors(meta.authors)),
        ("year", str(arxiv_id.year)),
        ("eprint", arxiv_id.base),
        ("version", str(arxiv_id.version or "")),
        ("archiveprefix", "arXiv"),
        ("primaryclass", escape_latex(clean_text(meta.primary_category))),
        ("doi", _doi(meta)),
        ("url", f"https://arxiv.org/abs/{arxiv_id.base}"),
        ("note", escape_latex(clean_text(meta.journal_ref or ""))),
        ("abstract", escape_abstract(meta.abstract)),
    ]
    return render_entry("misc", key, fields)


# What each entry type needs so that BibTeX's standard styles and biber's data model take
# it without a warning; a work missing one of these is written as @misc, which needs none.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("journal",),
    "inproceedings": ("booktitle",),
    "incollection": ("booktitle", "publisher", "editor"),
    "book": ("publisher",),
    "phdthesis": ("school",),
    "techreport": ("institution",),
}
# Which of volume, number and pages each entry type takes, in biber's data model.
_NUMBERING: dict[str, frozenset[str]] = {
    "article": frozenset({"volume", "number", "pages"}),
    "inproceedings": frozenset({"volume", "number", "pages"}),
    "incollection": frozenset({"volume", "number", "pages"}),
    "book": frozenset({"volume", "number", "pages"}),
    "techreport": frozenset({"number", "pages"}),
    "phdthesis": frozenset({"pages"}),
}
# The field that names where a work appeared, and the one that names its publisher.
_CONTAINER = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
_PUBLISHER = {
    "inproceedings": "publisher",
    "incollection": "publisher",
    "book": "publisher",
    "phdthesis": "school",
    "techreport": "institution",
}


def work_key(work: Work, taken: TakenKeys | Collection[str]) -> str:
    """The same key scheme as arXiv entries: first author's surname, year, title word."""
    people = work.authors or work.editors
    return compose_key(people[0].surname if people else "", work.year, work.title, taken)


def format_work(key: str, work: Work) -> str:
    """The complete entry for a work known by its DOI, of the type its record gives.

    A work whose record lacks what its type needs is written as ``@misc``, with where it
    appeared (or its publisher) as ``howpublished``: BibTeX, biber and pybtex then take
    every entry without a warning. The field order is fixed, so the bytes are too.
    """
    if not doi_is_writable(work.doi.value):
        raise ValueError(f"DOI {work.doi} cannot sit safely in a BibTeX field")
    kind = work.kind
    if not _complete(kind, work):
        kind = "misc"
    container = escape_latex(clean_text(work.container))
    publisher = escape_latex(clean_text(work.publisher))
    fields = [
        ("title", protect_title(work.title)),
        ("author", _people(work.authors)),
        ("editor", _people(work.editors) if kind in {"book", "incollection"} else ""),
        ("year", escape_latex(clean_text(work.year))),
    ]
    if kind == "misc":
        fields.append(("howpublished", container or publisher))
    else:
        fields.append((_CONTAINER.get(kind, ""), container))
        fields.append((_PUBLISHER.get(kind, ""), publisher))
    numbering = _NUMBERING.get(kind, frozenset())
    volume = clean_text(work.volume) if "volume" in numbering else ""
    # BibTeX's styles refuse a number beside a volume in anything but an article.
    issue = clean_text(work.issue) if "number" in numbering else ""
    if volume and kind != "article":
        issue = ""
    fields += [
        ("volume", escape_latex(volume)),
        ("number", escape_latex(issue)),
        ("pages", escape_latex(clean_text(work.pages)) if "pages" in numbering else ""),
        ("doi", work.doi.value),
        ("url", work.doi.url),
        ("abstract", escape_abstract(work.abstract)),
    ]
    return render_entry(kind, key, [(name, value) for name, value in fields if name])


def _complete(kind: str, work: Work) -> bool:
    present = {
        "journal": work.container,
        "booktitle": work.container,
        "publisher": work.publisher,
        "school": work.publisher,
        "institution": work.publisher,
        "editor": work.editors,
    }
    has_people = bool(work.authors or (kind == "book" and work.editors))
    return has_people and all(present[name] for name in _REQUIRED.get(kind, ()))


def doi_is_writable(doi: str) -> bool:
    """Whether a DOI can be written verbatim into a braced BibTeX field."""
    return bool(_SAFE_DOI.fullmatch(doi))


def _people(people: Collection[Person]) -> str:
    return " and ".join(name for name in map(format_person, people) if name)


def format_person(person: Person) -> str:
    """``von Last, Jr, First`` for BibTeX's name parser, which then finds the right surname.

    Written with the family name first, a multi-word surname (``Del Maestro``) stays whole;
    a lower-case particle (``van der``) is read as BibTeX's "von" part. An organization is
    braced, so it is never split into first and last names.
    """
    if person.literal or not person.family:
        text = clean_text(person.literal or person.given)
        return f"{{{escape_latex(text)}}}" if text else ""
    last = clean_text(person.surname)
    if any(token.lower() == "and" for token in last.split()) or "," in last:
        last = f"{{{last}}}"
    parts = [escape_latex(last)]
    if person.suffix:
        parts.append(escape_latex(clean_text(person.suffix)))
    if person.given:
        parts.append(escape_latex(clean_text(person.given).replace(",", " ")))
    return ", ".join(parts) if len(parts) > 1 else parts[0]


def render_entry(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    """Lay out already-escaped fields; empty values are left out."""
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name:<{FIELD_WIDTH}} = {{{value}}}," for name, value in fields if value]
    return "\n".join([*lines, "}"]) + "\n"


def _doi(meta: PaperMetadata) -> str:
    doi = normalize_doi(meta.doi or "")
    # A DOI that could break the field is dropped in favour of arXiv's own, which always works.
    return doi if _SAFE_DOI.fullmatch(doi) else meta.arxiv_id.doi


# Text


def clean_text(text: str) -> str:
    """Collapse whitespace to single spaces and drop control characters."""
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())


def escape_latex(text: str) -> str:
    """Escape the characters LaTeX or BibTeX would interpret; everything else stays Unicode."""
    return _LATEX_SPECIALS.sub(lambda match: _LATEX_ESCAPES[match.group()], text)


def escape_abstract(abstract: str) -> str:
    """An abstract as one escaped line. Its TeX (``$p$``) is escaped like any text: authors'
    TeX is not always valid, and one stray brace or ``%`` would break the whole file for
    BibTeX. Pages read the math back and render it (``text.tex_segments``)."""
    return escape_latex(clean_text(abstract))


def protect_title(title: str) -> str:
    """Escape a title and brace the words a lower-casing style would damage."""
    return " ".join(_protect_word(word) for word in clean_text(title).split(" ") if word)


def _protect_word(word: str) -> str:
    runs = list(_ALNUM_RUN.finditer(word))
    if not runs or not needs_protection(word):
        return escape_latex(word)
    # Braces around the alphanumeric core only: a colon inside them would hide the
    # "Title: Subtitle" boundary that sentence-casing styles respect. The core starts with a
    # letter or digit, never a command, so BibTeX cannot take it for a special character.
    start, end = runs[0].start(), runs[-1].end()
    core = escape_latex(word[start:end])
    return f"{escape_latex(word[:start])}{{{core}}}{escape_latex(word[end:])}"


def needs_protection(word: str) -> bool:
    """Capitals inside a part (``DeepSeek``), an acronym (``RL``), or a digit touching a letter.

    Parts are the alphanumeric runs, so title-cased compounds such as ``Chain-of-Thought``
    stay unprotected and can be sentence-cased like any other word.
    """
    runs = _ALNUM_RUN.findall(word)
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    return any(_inner_capital(run) or _digit_touches_letter(run) for run in runs)


def _inner_capital(run: str) -> bool:
    return any(ch.isupper() for ch in run[1:])


def _digit_touches_letter(run: str) -> bool:
    return any(a.isdigit() != b.isdigit() for a, b in pairwise(run))


# Names


def format_authors(authors: Collection[str]) -> str:
    names = (format_name(name) for name in authors)
    return " and ".join(name for name in names if name)


def format_name(name: str) -> str:
    """One author for BibTeX's name parser, Unicode kept, specials escaped.

    Names BibTeX would misread are reshaped or braced: a single token (an organization
    such as ``DeepSeek-AI``) or a name containing the word "and" is braced; a surname of
    several words (``Del Maestro``, ``van der Maaten``) or with a suffix is written family
    first (``Del Maestro, Adrian``), as is a name that already has a comma; a name with
    more commas than BibTeX allows is braced.
    """
    text = clean_text(name)
    if not text:
        return ""
    tokens = text.split(" ")
    if len(tokens) == 1 or any(token.lower() == "and" for token in tokens):
        return f"{{{escape_latex(text)}}}"
    parsed = parse_plain(text)
    if parsed.whole:
        return f"{{{escape_latex(text)}}}"
    if "," in text or needs_family_first(parsed):
        return escape_latex(family_first(parsed))
    return escape_latex(text)
