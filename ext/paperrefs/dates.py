"""The dates of a note: what ``:added:`` and ``:updated:`` of a ``paper`` directive accept.

The build's directive and ``paperrefs check`` both apply these rules, so a date the build
warns about is a date ``check`` reports, in the same words.
"""

from __future__ import annotations

import datetime

ADDED_MISSING = (
    "the paper directive needs an :added: date (YYYY-MM-DD), the day the note was written"
)


def is_iso_date(value: str) -> bool:
    """``YYYY-MM-DD`` naming a real day, written exactly so (no time, no other spelling)."""
    try:
        return len(value) == 10 and datetime.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def updated_parts(value: str) -> list[str]:
    """The comma-separated dates of an ``:updated:`` value, blanks dropped."""
    return [part.strip() for part in value.split(",") if part.strip()]


def not_a_date(option: str, value: str) -> str:
    return f":{option}: {value!r} is not a date of the form YYYY-MM-DD"


def out_of_order(earliest_update: str, added: str) -> str:
    return f":updated: {earliest_update} is before :added: {added}; swapped by mistake?"


def date_problems(added: str | None, updated: str | None) -> list[str]:
    """What the build warns about a directive's dates, in its words and order.

    ``added`` and ``updated`` are the option values as the directive receives them:
    None when the option is absent, "" when it is given without a value.
    """
    problems = []
    valid_added = ""
    if added is None:
        problems.append(ADDED_MISSING)
    elif is_iso_date(added):
        valid_added = added
    else:
        problems.append(not_a_date("added", added))
    valid_updated = []
    for part in updated_parts(updated or ""):
        if is_iso_date(part):
            valid_updated.append(part)
        else:
            problems.append(not_a_date("updated", part))
    earliest = min(valid_updated, default="")
    if valid_added and earliest and earliest < valid_added:
        problems.append(out_of_order(earliest, valid_added))
    return problems
