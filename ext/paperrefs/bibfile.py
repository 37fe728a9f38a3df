"""Read ``papers.bib`` tolerantly, write it surgically.

Reading accepts anything BibTeX accepts (comments, ``@string``, ``@preamble``, odd spacing,
a BOM, CRLF) and rejects, with a file and line, what would make other tools lose entries:
syntax errors, duplicate keys (also case-only ones), text that is not UTF-8. Writing only
ever inserts new entries at their sorted place: every other byte of the file is kept, the
write is atomic, and concurrent writers are serialized by a lock file.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import filelock
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ParsingFailedBlock,
    String,
)
from bibtexparser.splitter import Splitter

from paperrefs.fsutil import remove_stale_temps, write_if_changed
from paperrefs.ids import ArxivId, Doi, InvalidArxivId, InvalidDoi, parse_arxiv_id, parse_doi
from paperrefs.location import Location

BOM = "\ufeff"
LOCK_TIMEOUT = 60.0

# BibTeX itself tolerates more in keys, but these characters break biber, pybtex or LaTeX.
_BAD_KEY_CHARS = re.compile(r"[\s\"#%'(),={}\\~]")
_FIELD_NAME = re.compile(r"[A-Za-z][\w.:+/-]*")
_NUMBER = re.compile(r"\d+")
_MACRO_NAME = re.compile(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*")
_LINE_START_AT = re.compile(r"^@", re.MULTILINE)


class BibError(Exception):
    """A problem with a bibliography file, located at ``path:line`` (``line`` is 1-based).

    ``line`` is 0 when the problem concerns the whole file (it cannot be locked or
    written); ``str()`` then leaves the line out.
    """

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class BibEntry:
    """One ``@type{key, ...}`` entry as it is in the file."""

    key: str
    entry_type: str
    fields: Mapping[str, str] = field(hash=False)  # a dict: entries stay hashable and picklable
    text: str
    line: int

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other keys of this entry, from biblatex's ``ids`` field."""
        return tuple(
            alias.strip() for alias in self.fields.get("ids", "").split(",") if alias.strip()
        )

    @property
    def eprint(self) -> str | None:
        value = self.fields.get("eprint", "").strip()
        return value or None

    @property
    def arxiv_id(self) -> ArxivId | None:
        """The arXiv paper this entry is, unversioned; None when it is not an arXiv entry.

        The one answer the command line and the build share: an ``eprint`` that reads as an
        arXiv ID, in an entry whose ``archiveprefix`` (or biblatex's ``eprinttype``) is
        arXiv or absent. An eprint of another archive is not an arXiv paper, whatever its
        shape.
        """
        prefix = self.fields.get("archiveprefix", self.fields.get("eprinttype", "arXiv"))
        if prefix.strip().lower() != "arxiv":
            return None
        return _unversioned(self.eprint)

    @property
    def doi(self) -> Doi | None:
        """The DOI in the entry's ``doi`` field, however it is written there."""
        try:
            return parse_doi(self.fields.get("doi", ""))
        except InvalidDoi:
            return None


class KeyIndex:
    """Entries by key or alias (ignoring case, as pybtex and biber do) and by arXiv paper."""

    def __init__(self, entries: Sequence[BibEntry]) -> None:
        self._by_key: dict[str, BibEntry] = {}
        self._by_arxiv: dict[str, BibEntry] = {}
        self._by_doi: dict[Doi, BibEntry] = {}
        for entry in entries:
            for alias in entry.aliases:
                self._by_key.setdefault(alias.lower(), entry)
            if entry.arxiv_id is not None:
                self._by_arxiv.setdefault(entry.arxiv_id.base, entry)
            if entry.doi is not None:
                self._by_doi.setdefault(entry.doi, entry)
        # Real keys win over aliases that happen to shadow them.
        self._by_key.update({entry.key.lower(): entry for entry in entries})

    def by_key(self, key: str) -> BibEntry | None:
        return self._by_key.get(key.lower())

    def by_arxiv(self, arxiv_id: ArxivId) -> BibEntry | None:
        return self._by_arxiv.get(arxiv_id.base)

    def by_doi(self, doi: Doi) -> BibEntry | None:
        """The entry carrying this DOI (in any case), whatever kind of entry it is."""
        return self._by_doi.get(doi)

    def taken(self) -> set[str]:
        """Every key and alias in use, lower-cased."""
        return set(self._by_key)


@dataclass
class BibDocument:
    """A parsed bibliography: its decoded text and the entries in file order."""

    path: Path
    text: str
    entries: list[BibEntry]
    has_bom: bool = False
    newline: str = "\n"
    index: KeyIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.index = KeyIndex(self.entries)

    def get(self, key: str) -> BibEntry | None:
        """The entry with this key or alias, ignoring case as pybtex and biber do."""
        return self.index.by_key(key)

    def by_eprint(self, text: str) -> BibEntry | None:
        """The entry that is this arXiv paper, whatever the version or spelling asked for."""
        arxiv_id = _unversioned(text)
        return self.index.by_arxiv(arxiv_id) if arxiv_id is not None else None

    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries]

    def taken_keys(self) -> set[str]:
        """Every key and alias in use, lower-cased."""
        return self.index.taken()

    def to_bytes(self) -> bytes:
        return ((BOM if self.has_bom else "") + self.text).encode("utf-8")


def _unversioned(value: str | None) -> ArxivId | None:
    if not value:
        return None
    try:
        return parse_arxiv_id(value.strip()).unversioned
    except InvalidArxivId:
        return None


# Reading


def read_bib(path: Path) -> BibDocument:
    """Read and check a bibliography; a missing file reads as an empty one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return BibDocument(path=path, text="", entries=[])
    except OSError as error:
        raise BibError(path, 0, f"cannot read: {error.strerror or error}") from error
    return parse_bib(decode_bib(data, path), path)


def decode_bib(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise BibError(
            path,
            line,
            f"byte 0x{data[error.start]:02X} (column {column}) is not UTF-8; convert the "
            "file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None


def parse_bib(text: str, path: Path, known: Mapping[str, BibEntry] | None = None) -> BibDocument:
    """Split ``text`` into entries, raising BibError at the first problem.

    ``known`` maps an entry's text to what it read as before (the last build's reading): a
    block of the same text reads the same, wherever it now starts.
    """
    has_bom = text.startswith(BOM)
    body = text[len(BOM) :] if has_bom else text
    known = known or {}
    entries = _entries_by_block(body, path, known) if known else None
    if entries is None:
        entries = [_known_or_read(block, path, known) for block in _entry_blocks(body, path)]
    _check_unique_keys(entries, path)
    return BibDocument(path, body, entries, has_bom=has_bom, newline=_newline_of(body))


def _entries_by_block(
    text: str, path: Path, known: Mapping[str, BibEntry]
) -> list[BibEntry] | None:
    """The entries of ``text``, splitting only the blocks that are not ``known``; None unless
    the text is nothing but entries, each starting a line, and comments without an ``@``.

    Splitting the whole file is most of a reading after one entry changed (0.2 s at 1,000
    entries). It is needed only where the text is new: the splitter reads an entry from
    its ``@`` to the brace that closes it, whatever came before, and skips what lies
    between entries unless it holds an ``@``; so such a text splits into its entries, and
    one whose text is known reads as it did. Each new block is split alone and must come
    out as exactly one entry spanning it. Anything else (an ``@string``, an ``@`` that
    starts a line inside a field, a broken entry) returns None, and the whole text is
    split as always, with its errors at their lines.
    """
    starts = [match.start() for match in _LINE_START_AT.finditer(text)]
    if not starts or "@" in text[: starts[0]]:
        return None
    entries = []
    line, counted = 1, 0
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        line += text.count("\n", counted, begin)
        counted = begin
        raw = _without_trailing_comments(text[begin:end])
        entry = known.get(raw) or _read_alone(raw, path)
        if entry is None:
            return None
        entries.append(entry if entry.line == line else replace(entry, line=line))
    return entries


def _without_trailing_comments(block: str) -> str:
    """A block's text without the blank space and the ``%`` comment lines that end it."""
    lines = block.rstrip().split("\n")
    while len(lines) > 1 and lines[-1].lstrip().startswith("%") and "@" not in lines[-1]:
        lines.pop()
    return "\n".join(lines).rstrip()


def _read_alone(raw: str, path: Path) -> BibEntry | None:
    """The one entry a block's text holds, or None when it holds anything else."""
    blocks = _split(raw)
    if len(blocks) != 1 or not isinstance(blocks[0], Entry) or blocks[0].raw != raw:
        return None
    try:
        return _to_entry(blocks[0], path)
    except BibError:  # reported at its true line by the whole split
        return None


def _newline_of(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


@contextmanager
def _quiet_splitter() -> Iterator[None]:
    """Silence bibtexparser's own log: it repeats our error with 0-based line numbers."""
    logger = logging.getLogger("bibtexparser.splitter")
    was_disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was_disabled


def _split(text: str) -> list[Block]:
    with _quiet_splitter():
        return list(Splitter(text).split().blocks)


def _entry_blocks(text: str, path: Path) -> Iterator[Entry]:
    for block in _split(text):
        if isinstance(block, DuplicateBlockKeyBlock):
            yield _duplicate_block(block, path)
        elif isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            raise BibError(path, _line(block), f"field `{names}` appears twice in this entry")
        elif isinstance(block, ParsingFailedBlock):
            raise BibError(path, _line(block), _failure_message(block))
        elif isinstance(block, Entry):
            yield block


def _duplicate_block(block: DuplicateBlockKeyBlock, path: Path) -> Entry:
    duplicate = block.ignore_error_block
    if isinstance(duplicate, Entry):
        return duplicate  # reported with its first occurrence by _check_unique_keys
    kind = "@string" if isinstance(duplicate, String) else "block"
    raise BibError(path, _line(block), f"{kind} `{block.key}` is defined twice")


def _line(block: Block) -> int:
    return (block.start_line or 0) + 1


def _failure_message(block: ParsingFailedBlock) -> str:
    head = (block.raw or "").split("\n", 1)[0].strip()[:60]
    reason = getattr(block.error, "abort_reason", str(block.error)).strip()
    return (
        f"cannot read the block starting `{head}`: {reason} (unbalanced braces or a missing comma?)"
    )


def _known_or_read(block: Entry, path: Path, known: Mapping[str, BibEntry]) -> BibEntry:
    entry = known.get(block.raw or "")
    if entry is None:
        return _to_entry(block, path)
    line = _line(block)
    return entry if entry.line == line else replace(entry, line=line)


def _to_entry(block: Entry, path: Path) -> BibEntry:
    line = _line(block)
    if not block.entry_type:
        raise BibError(path, line, "an entry needs a type, as in `@misc{key,`")
    if not block.key or _BAD_KEY_CHARS.search(block.key):
        raise BibError(path, line, f"`{block.key}` is not a usable key")
    fields: dict[str, str] = {}
    for bib_field in block.fields:
        name = bib_field.key.lower()
        _check_field(bib_field, path, block.key)
        if name in fields:
            raise BibError(path, _field_line(bib_field), f"field `{name}` appears twice")
        fields[name] = _unwrap(str(bib_field.value))
    raw = block.raw or ""
    return BibEntry(block.key, block.entry_type.lower(), fields, raw, line)


def _field_line(bib_field: Field, offset: int = 0) -> int:
    value = str(bib_field.value)
    return (bib_field.start_line or 0) + 1 + value.count("\n", 0, offset)


def _check_field(bib_field: Field, path: Path, key: str) -> None:
    if not _FIELD_NAME.fullmatch(bib_field.key):
        raise BibError(
            path,
            _field_line(bib_field),
            f"`{bib_field.key}` in entry `{key}` is not a field name (BibTeX has no "
            "comments inside entries)",
        )
    value = str(bib_field.value)
    problem = _value_problem(value)
    if problem is not None:
        offset, message = problem
        raise BibError(path, _field_line(bib_field, offset), f"field `{bib_field.key}`: {message}")


def _value_problem(value: str) -> tuple[int, str] | None:
    """Where and why a field value is not ``term # term ...``, as BibTeX reads it.

    BibTeX counts every brace, backslashed or not, so this does too.
    """
    if not value:
        return 0, "the value is missing"
    position = 0
    while True:
        end = _term_end(value, position)
        if end is None:
            return position, "unbalanced braces or quotes" + _brace_hint(value)
        rest = value[end:].lstrip()
        if not rest:
            return None
        if not rest.startswith("#"):
            return len(value) - len(rest), "expected `,` after the value" + _brace_hint(value)
        position = len(value) - len(rest[1:].lstrip())


def _brace_hint(value: str) -> str:
    if "\\{" in value or "\\}" in value:
        return " (BibTeX counts `\\{` and `\\}` as braces; write \\textbraceleft{})"
    return " (missing comma or brace?)"


def value_end(text: str, start: int) -> int | None:
    """Where the braced, quoted or bare BibTeX term starting at ``start`` ends."""
    return _term_end(text, start)


def _term_end(value: str, start: int) -> int | None:
    opener = value[start : start + 1]
    if opener in ("{", '"'):
        return _delimited_end(value, start)
    match = _NUMBER.match(value, start) or _MACRO_NAME.match(value, start)
    return match.end() if match else None


def _delimited_end(value: str, start: int) -> int | None:
    closer = "}" if value[start] == "{" else '"'
    outer = depth = 1 if closer == "}" else 0
    for index in range(start + 1, len(value)):
        char = value[index]
        if char == closer and depth == outer:
            return index + 1
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
    return None


def _unwrap(value: str) -> str:
    end = _term_end(value, 0)
    if value[:1] in ("{", '"') and end == len(value):
        return value[1:-1]
    return value


def _check_unique_keys(entries: list[BibEntry], path: Path) -> None:
    seen: dict[str, BibEntry] = {}
    for entry in entries:
        for name in (entry.key, *entry.aliases):
            first = seen.get(name.lower())
            if first is not None and first is not entry:
                raise BibError(
                    path,
                    entry.line,
                    f"key `{name}` is already used by the entry on line {first.line} "
                    "(keys are case-insensitive: pybtex would drop every entry after this one)",
                )
            seen[name.lower()] = entry


# Inserting


def insert_entries(doc: BibDocument, new: Sequence[tuple[str, str]]) -> str:
    """The document's text with each ``(key, entry_text)`` inserted at its sorted place.

    An entry goes before the first existing entry (in file order) whose lower-cased key
    sorts after its own, or after the last entry; entries are separated by a blank line
    and written with the file's newline. Nothing else in the text changes.
    """
    _check_new_entries(doc, new)
    ordered = [(key, text.replace("\n", doc.newline)) for key, text in sorted(new, key=_lower_key)]
    spans = _entry_spans(doc)
    if not spans:
        texts = [text for _, text in ordered]
        return doc.text + _separator_at_end(doc.text, doc.newline) + doc.newline.join(texts)
    insertions: dict[int, list[str]] = {}
    for key, entry_text in ordered:
        position, chunk = _placement(spans, key, entry_text, doc.newline)
        insertions.setdefault(position, []).append(chunk)
    text = doc.text
    for position in sorted(insertions, reverse=True):
        text = text[:position] + "".join(insertions[position]) + text[position:]
    return text


def _lower_key(item: tuple[str, str]) -> str:
    return item[0].lower()


def _check_new_entries(doc: BibDocument, new: Sequence[tuple[str, str]]) -> None:
    taken = doc.taken_keys()
    for key, entry_text in new:
        if key.lower() in taken:
            raise ValueError(f"key {key!r} is already in {doc.path}")
        taken.add(key.lower())
        parsed = parse_bib(entry_text, doc.path)
        if parsed.keys() != [key] or parsed.text.strip() != parsed.entries[0].text:
            raise ValueError(f"the text given for {key!r} is not exactly one entry with that key")


def replace_entries(doc: BibDocument, new_texts: Mapping[str, str]) -> str:
    """The document's text with the entries of the given keys replaced by new text.

    Each new text must be one entry with the same key; every other byte of the file,
    comments and the entries' surroundings included, stays as it is.
    """
    text, cursor, pieces = doc.text, 0, []
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    for entry in doc.entries:
        if entry.key not in new_texts:
            continue
        replacement = new_texts[entry.key].replace("\n", doc.newline).removesuffix(doc.newline)
        parsed = parse_bib(replacement, doc.path)
        if parsed.keys() != [entry.key]:
            raise ValueError(f"the text given for {entry.key!r} is not one entry with that key")
        at = text.index(entry.text, max(cursor, line_starts[entry.line - 1]))
        pieces += [text[cursor:at], replacement]
        cursor = at + len(entry.text)
    return "".join([*pieces, text[cursor:]])


@dataclass(frozen=True)
class _Span:
    key: str
    start: int  # where text inserted before the entry goes
    end: int  # just after the entry's closing delimiter


def _entry_spans(doc: BibDocument) -> list[_Span]:
    line_starts = [0] + [match.end() for match in re.finditer("\n", doc.text)]
    spans: list[_Span] = []
    cursor = 0
    for entry in doc.entries:
        at = doc.text.index(entry.text, max(cursor, line_starts[entry.line - 1]))
        line_start = doc.text.rfind("\n", 0, at) + 1
        start = line_start if not doc.text[line_start:at].strip() else at
        if spans:  # a comment right above an entry belongs to it
            start = _attached_comment_start(doc.text, start, spans[-1].end)
        cursor = at + len(entry.text)
        spans.append(_Span(entry.key.lower(), start, cursor))
    return spans


def _attached_comment_start(text: str, start: int, floor: int) -> int:
    while start > floor:
        previous = text.rfind("\n", 0, start - 1) + 1
        if previous < floor or not text[previous:start].lstrip().startswith("%"):
            break
        start = previous
    return start


def _placement(spans: list[_Span], key: str, entry_text: str, newline: str) -> tuple[int, str]:
    following = next((span for span in spans if span.key > key.lower()), None)
    if following is not None:
        return following.start, entry_text + newline
    return spans[-1].end, newline + newline + entry_text.removesuffix(newline)


def _separator_at_end(text: str, newline: str) -> str:
    if not text.strip():
        return ""
    if text.endswith(newline * 2):
        return ""
    return newline if text.endswith(newline) else newline * 2


# Writing


def add_entries(path: Path, new: Sequence[tuple[str, str]], timeout: float = LOCK_TIMEOUT) -> None:
    """Insert hand-made ``(key, entry_text)`` pairs into the file, under the lock."""
    if not new:
        return
    with bib_lock(path, timeout):
        doc = read_bib(path)
        write_text(doc, insert_entries(doc, new))


@contextmanager
def bib_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``<path>.lock`` so that read-merge-write cycles of two processes never interleave."""
    lock_path = path.with_name(path.name + ".lock")
    check_writable(path)
    lock = filelock.FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout:  # before OSError: Timeout is a TimeoutError
        raise BibError(
            path,
            0,
            f"another process held {lock_path} for {timeout:g} s; is a second `paperrefs` "
            "still running?",
        ) from None
    except OSError as error:
        raise BibError(path, 0, f"cannot create {lock_path}: {error.strerror}") from error
    try:
        yield
    finally:
        lock.release()


def check_writable(path: Path) -> None:
    """Raise BibError unless ``path`` may be written: its folder exists, neither is read-only.

    Permission bits count as well as access rights, so a file or folder someone marked
    read-only stays untouched even for root, who could otherwise replace it.
    """
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        raise BibError(
            path,
            0,
            f"folder {path.parent} does not exist; {CREATE_FOLDER_FIRST} (paperrefs does not "
            "create folders)",
        )
    if _read_only(real.parent):
        raise BibError(path, 0, f"folder {path.parent} is read-only")
    if real.exists() and _read_only(real):
        raise BibError(path, 0, "the file is read-only")


CREATES_IT = "`paperrefs add ID` creates it"
CREATE_FOLDER_FIRST = "create it, then `paperrefs add ID` creates the file"


def missing_bib_advice(path: Path) -> str:
    """What to do about a bibliography that does not exist, as the build, ``paperrefs
    check`` and ``paperrefs add`` all say it: ``add`` creates a missing file in an
    existing folder, and refuses a missing folder."""
    if Path(os.path.realpath(path)).parent.is_dir():
        return CREATES_IT
    return f"its folder {path.parent} does not exist either: {CREATE_FOLDER_FIRST}"


def _read_only(path: Path) -> bool:
    return not os.access(path, os.W_OK) or not stat.S_IMODE(path.stat().st_mode) & 0o222


def write_text(doc: BibDocument, text: str) -> None:
    """Replace the file ``doc`` was read from with ``text``, durably; call under the lock."""
    data = ((BOM if doc.has_bom else "") + text).encode("utf-8")
    remove_stale_temps(doc.path)  # safe here: the lock keeps live writers out
    try:
        write_if_changed(doc.path, data, durable=True)
    except OSError as error:
        raise BibError(doc.path, 0, f"could not write: {error.strerror or error}") from error
