"""Paper identifiers: arXiv IDs in every accepted spelling, and DOIs.

Canonical forms follow arXiv's own rules: new style ``YYMM.NNNNN`` (4-digit numbers
before 2015), old style ``archive/YYMMNNN`` with the subject class dropped, an optional
lower-case ``vN`` version. Anything else is rejected with a reason a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering
from urllib.parse import quote, unquote

MAX_INPUT_LENGTH = 200

# Archives of the pre-2007 identifier scheme (arXiv's list; it will not grow).
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    ]
)

# re.ASCII keeps \d from matching other scripts' digits, which arXiv never uses.
_NEW = re.compile(r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:[vV](?P<version>\d+))?", re.ASCII)
_OLD = re.compile(
    r"(?P<archive>[a-zA-Z]+(?:-[a-zA-Z]+)?)(?:\.[A-Za-z]{2})?/"
    r"(?P<yymm>\d{4})(?P<number>\d{3})(?:[vV](?P<version>\d+))?",
    re.ASCII,
)
# The one rule for "this is a link to an arXiv paper": the parser strips it, the notes
# scanner finds it in text, the feed parser reads entry IDs with it, builds count it.
_ARXIV_PAGE = r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
_ID_SHAPE = r"(?:[a-zA-Z-]+(?:\.[A-Za-z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:[vV]\d+)?"
ARXIV_URL = re.compile(
    _ARXIV_PAGE + rf"(?P<id>{_ID_SHAPE})(?:\.pdf)?(?!\d)", re.ASCII | re.IGNORECASE
)
_ANY_ARXIV_URL = re.compile(_ARXIV_PAGE + r"(?P<rest>.+)", re.ASCII | re.IGNORECASE)
_PREFIX = re.compile(r"arxiv:", re.IGNORECASE)


class InvalidArxivId(ValueError):
    """The text is not an arXiv identifier; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"not an arXiv ID: {shown!r} ({reason})")
        self.text = text
        self.reason = reason


@total_ordering
@dataclass(frozen=True)
class ArxivId:
    """A validated identifier: ``base`` is canonical and unversioned, ``version`` optional."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return self.base if self.version is None else f"{self.base}v{self.version}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ArxivId):
            return NotImplemented
        return (self.base, self.version or 0) < (other.base, other.version or 0)

    @property
    def unversioned(self) -> ArxivId:
        return ArxivId(self.base)

    @property
    def is_old_style(self) -> bool:
        return "/" in self.base

    @property
    def year(self) -> int:
        """Year of the first version, read from the identifier's YYMM."""
        yy = int(self.base.split("/")[-1][:2])
        return 1900 + yy if yy >= 91 else 2000 + yy

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self}"

    @property
    def doi(self) -> str:
        """arXiv's own DataCite DOI, which every paper has (always unversioned)."""
        return f"10.48550/arXiv.{self.base}"


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse any accepted spelling of an arXiv ID or arXiv URL; raise InvalidArxivId."""
    if not text:
        raise InvalidArxivId(text, "empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidArxivId(text, f"longer than {MAX_INPUT_LENGTH} characters")
    if any(ch.isspace() for ch in text):
        raise InvalidArxivId(text, "contains whitespace")
    if not text.isascii():
        raise InvalidArxivId(text, "contains non-ASCII characters")
    core = _strip_url(text)
    if _PREFIX.match(core):
        core = core[len("arxiv:") :]
    return _parse_core(text, core)


def is_arxiv_id(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except InvalidArxivId:
        return False
    return True


def _strip_url(text: str) -> str:
    match = _ANY_ARXIV_URL.fullmatch(text)
    if not match:
        return text
    rest = re.split(r"[?#]", match["rest"], maxsplit=1)[0].rstrip("/")
    if rest.lower().endswith(".pdf"):
        rest = rest[: -len(".pdf")]
    return rest


def _parse_core(text: str, core: str) -> ArxivId:
    if match := _NEW.fullmatch(core):
        return ArxivId(_new_style(text, match["yymm"], match["number"]), _version(text, match))
    if match := _OLD.fullmatch(core):
        return ArxivId(_old_style(text, match), _version(text, match))
    raise InvalidArxivId(text, "expected a form like 2305.18290, hep-th/9901001 or an arXiv URL")


def _new_style(text: str, yymm: str, number: str) -> str:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        raise InvalidArxivId(text, f"month {yymm[2:]} does not exist")
    if (year, month) < (7, 4):
        raise InvalidArxivId(text, "new-style IDs start in April 2007 (0704)")
    digits = 4 if year < 15 else 5
    if len(number) != digits:
        raise InvalidArxivId(text, f"IDs from 20{yymm[:2]} have {digits}-digit numbers")
    if int(number) == 0:
        raise InvalidArxivId(text, "the number part cannot be zero")
    return f"{yymm}.{number}"


def _old_style(text: str, match: re.Match[str]) -> str:
    archive, yymm = match["archive"].lower(), match["yymm"]
    if archive not in OLD_ARCHIVES:
        raise InvalidArxivId(text, f"unknown archive {match['archive']!r}")
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        raise InvalidArxivId(text, f"month {yymm[2:]} does not exist")
    full_year = 1900 + year if year >= 91 else 2000 + year
    if not (1991, 7) <= (full_year, month) <= (2007, 3):
        raise InvalidArxivId(text, "old-style IDs run from July 1991 to March 2007")
    return f"{archive}/{yymm}{match['number']}"


def _version(text: str, match: re.Match[str]) -> int | None:
    if match["version"] is None:
        return None
    version = int(match["version"])
    if version < 1 or match["version"].startswith("0"):
        raise InvalidArxivId(text, "versions are numbered from v1")
    return version


# DOIs

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
# A link to a work through the DOI resolver, as notes write it.
DOI_URL = re.compile(
    r"https?://(?:dx\.)?doi\.org/10\.\d{4,9}(?:\.\d+)*/[^\s<>\[\]()\"']+", re.IGNORECASE
)
# A registrant code, a slash and a suffix of any printable characters (the DOI Handbook
# allows almost anything there; BibTeX-hostile ones are refused where an entry is written).
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+", re.ASCII)


def normalize_doi(text: str) -> str:
    """A DOI without the resolver URL or ``doi:`` it is often written with."""
    doi = text.strip()
    lowered = doi.lower()
    for prefix in (*_DOI_PREFIXES, "doi:"):
        if lowered.startswith(prefix):
            doi = doi[len(prefix) :].strip()
            return unquote(doi) if lowered.startswith(("http://", "https://")) else doi
    return doi


class InvalidDoi(ValueError):
    """The text is not a DOI; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"not a DOI: {shown!r} ({reason})")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class Doi:
    """A DOI as written (its case kept for display); equal DOIs differ only in case."""

    value: str

    def __str__(self) -> str:
        return self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Doi) and self.folded == other.folded

    def __hash__(self) -> int:
        return hash(self.folded)

    @property
    def folded(self) -> str:
        """DOIs are case-insensitive (ASCII): the form to compare and look up by."""
        return self.value.lower()

    @property
    def url(self) -> str:
        return "https://doi.org/" + quote(self.value, safe="/:;()._-")


def parse_doi(text: str) -> Doi:
    """``10.xxxx/...``, ``doi:10.xxxx/...`` or a doi.org URL; raise InvalidDoi."""
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidDoi(text, f"longer than {MAX_INPUT_LENGTH} characters")
    doi = normalize_doi(text)
    if not doi:
        raise InvalidDoi(text, "empty")
    if not _DOI.fullmatch(doi):
        raise InvalidDoi(text, "expected a form like 10.1126/science.169.3946.635 or a doi.org URL")
    return Doi(doi)


def arxiv_id_of_doi(doi: Doi) -> ArxivId | None:
    """The paper behind one of arXiv's own DOIs (``10.48550/arXiv.2305.18290``)."""
    prefix = "10.48550/arxiv."
    if not doi.folded.startswith(prefix):
        return None
    try:
        return parse_arxiv_id(doi.value[len(prefix) :])
    except InvalidArxivId:
        return None


def looks_like_doi(text: str) -> bool:
    """Whether ``text`` is meant as a DOI (and so gets a DOI's error if it is a bad one)."""
    lowered = text.strip().lower()
    return lowered.startswith(("10.", "doi:")) or any(map(lowered.startswith, _DOI_PREFIXES))


def is_doi(text: str) -> bool:
    try:
        parse_doi(text)
    except InvalidDoi:
        return False
    return True
