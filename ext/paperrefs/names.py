"""People's names: where the surname is, for BibTeX, for keys and for pages.

arXiv gives a name as one string ("Adrian Del Maestro"); BibTeX reads "First Last" as
everything-but-the-last-word and the last word, so it would file that author under
"Maestro". A surname with a particle (Del Maestro, Di Giovanni, van der Maaten, Le Cun)
is found here and written family first ("Del Maestro, Adrian"), which BibTeX, biber and
pybtex all read right. Names the bib already holds are read the way BibTeX reads them,
braces and commas included, so pages show the same surname the tools use.
"""

from __future__ import annotations

from dataclasses import dataclass

# Particles written with a capital that still belong to the surname. Lower-case words
# before the last one are particles anyway, as in BibTeX's own "von" rule.
CAPITALIZED_PARTICLES = frozenset(
    [
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "den",
        "ter",
        "ten",
    ]
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@dataclass(frozen=True)
class Name:
    """A person's name in BibTeX's four parts; ``last`` alone for an organization."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    whole: bool = False  # one unit (an organization): never split, braced in BibTeX

    @property
    def surname(self) -> str:
        """The family name as it is said: particle included ("van der Maaten")."""
        return f"{self.von} {self.last}".strip()

    @property
    def display(self) -> str:
        """The name as its owner writes it: "Adrian Del Maestro", "Martin Luther King Jr."."""
        return " ".join(part for part in (self.first, self.surname, self.jr) if part)


def parse_plain(text: str) -> Name:
    """A name written as one plain string, given names first (arXiv's form).

    "Last, First" and "First Last, Jr." are understood too; a single word is taken whole.
    """
    text = " ".join(text.split())
    if "," in text:
        return _with_commas([part.strip() for part in text.split(",")])
    tokens = text.split(" ")
    if len(tokens) == 1:
        return Name(last=text, whole=True)
    return _given_first(tokens)


def _given_first(tokens: list[str]) -> Name:
    """ "First [von] Last [Jr]": particles are the words right before the last one."""
    jr = ""
    if len(tokens) > 2 and tokens[-1].lower() in SUFFIXES:
        jr, tokens = tokens[-1], tokens[:-1]
    start = len(tokens) - 1
    while start > 1 and _is_particle(tokens[start - 1]):
        start -= 1
    von = " ".join(tokens[start:-1])
    return Name(first=" ".join(tokens[:start]), von=von, last=tokens[-1], jr=jr)


def _is_particle(token: str) -> bool:
    return token[:1].islower() or token.lower() in CAPITALIZED_PARTICLES


def _with_commas(parts: list[str]) -> Name:
    if len(parts) == 2 and parts[1].lower() in SUFFIXES:  # "First Last, Jr."
        main = _given_first(parts[0].split(" ")) if " " in parts[0] else Name(last=parts[0])
        return Name(main.first, main.von, main.last, parts[1])
    if len(parts) > 3 or not all(parts):
        return Name(last=", ".join(parts), whole=True)
    family = parts[0].split(" ")
    split = 0
    while split < len(family) - 1 and family[split][:1].islower():
        split += 1
    von, last = " ".join(family[:split]), " ".join(family[split:])
    if len(parts) == 3:
        return Name(first=parts[2], von=von, last=last, jr=parts[1])
    return Name(first=parts[1], von=von, last=last)


def needs_family_first(name: Name) -> bool:
    """Whether BibTeX would misread "First Last": a surname of several words, or a suffix."""
    return not name.whole and (" " in name.surname or bool(name.jr))


def family_first(name: Name) -> str:
    """BibTeX's "von Last, Jr, First" form, which no reader can split wrongly."""
    parts = [name.surname]
    if name.jr:
        parts.append(name.jr)
    if name.first:
        parts.append(name.first)
    return ", ".join(parts)


def parse_bibtex(value: str) -> Name:
    """A name as BibTeX reads it from a bib field: braces group, commas split at depth 0."""
    if _fully_braced(value):
        return Name(last=value[1:-1], whole=True)
    return parse_plain(value) if "," not in _top_level(value) else _bibtex_commas(value)


def _bibtex_commas(value: str) -> Name:
    parts = _split_top_level(value, ",")
    return _with_commas([part.strip() for part in parts])


def _fully_braced(value: str) -> bool:
    if not (value.startswith("{") and value.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(value) - 1:
            return False
    return True


def _top_level(value: str) -> str:
    """``value`` with everything inside braces blanked, so separators in them are ignored."""
    depth, kept = 0, []
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        kept.append(char if depth == 0 or char in "{}" else " ")
    return "".join(kept)


def _split_top_level(value: str, separator: str) -> list[str]:
    shape = _top_level(value)
    parts, start = [], 0
    for index, char in enumerate(shape):
        if char == separator:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return parts
